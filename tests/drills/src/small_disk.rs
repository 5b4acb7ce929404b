//! A small disk for the disk drills: a real tmpfs of a few megabytes mounted at a temporary
//! directory when this process may mount (root in a container that allows it), filled up with a
//! filler file and freed again, and remounted read-only. Where mounting is not permitted (an
//! unprivileged CI runner), [`SmallDisk::mount`] hands back a plain directory and says so: the
//! drills then limit the database itself (`PRAGMA max_page_count`, `PRAGMA query_only`), which
//! SQLite answers with the same error codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// Which kind of small disk a drill runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskKind {
    /// A real filesystem of a few megabytes (tmpfs).
    Tmpfs,
    /// A plain directory; the database is limited through SQLite instead.
    SqliteLimits,
}

/// A mounted small filesystem (or the fallback directory); unmounted on drop.
pub struct SmallDisk {
    dir: TempDir,
    kind: DiskKind,
    filler: PathBuf,
}

impl SmallDisk {
    /// A tmpfs of `size_bytes` at a new temporary directory, or the fallback when mounting fails.
    /// `WXFLEET_DRILLS_NO_MOUNT=1` forces the fallback (to run it on a machine that could mount).
    pub fn mount(size_bytes: u64) -> SmallDisk {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let forced = std::env::var_os("WXFLEET_DRILLS_NO_MOUNT").is_some_and(|v| v == "1");
        let mounted = !forced
            && Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={size_bytes},mode=0755"), "tmpfs"])
                .arg(dir.path())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        let kind = if mounted { DiskKind::Tmpfs } else { DiskKind::SqliteLimits };
        let filler = dir.path().join("filler.bin");
        println!(
            "small disk: {}",
            match kind {
                DiskKind::Tmpfs => format!("a real {} KiB tmpfs at {}", size_bytes / 1024, dir.path().display()),
                DiskKind::SqliteLimits =>
                    "no mount permitted (or WXFLEET_DRILLS_NO_MOUNT=1): SQLite's max_page_count / query_only stand in".to_owned(),
            }
        );
        SmallDisk { dir, kind, filler }
    }

    /// Where it is mounted.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A real filesystem or the SQLite stand-in.
    pub fn kind(&self) -> DiskKind {
        self.kind
    }

    /// Fills the disk up to `leave_bytes` of free space with a filler file (tmpfs only).
    pub fn fill(&self, leave_bytes: u64) {
        assert_eq!(self.kind, DiskKind::Tmpfs, "only a real disk fills up");
        let mut file = std::fs::File::create(&self.filler).expect("the filler file");
        let chunk = vec![0xA5u8; 64 * 1024];
        loop {
            let free = self.free_bytes();
            if free <= leave_bytes {
                break;
            }
            let len = usize::try_from((free - leave_bytes).min(chunk.len() as u64)).unwrap_or(chunk.len());
            if file.write_all(&chunk[..len]).is_err() {
                break;
            }
        }
        let _ = file.sync_all();
    }

    /// Deletes the filler file: the space is back.
    pub fn free(&self) {
        let _ = std::fs::remove_file(&self.filler);
    }

    /// Free bytes on the filesystem.
    pub fn free_bytes(&self) -> u64 {
        let out = Command::new("df").args(["-B1", "--output=avail"]).arg(self.path()).output().expect("df runs");
        String::from_utf8_lossy(&out.stdout).lines().nth(1).and_then(|l| l.trim().parse().ok()).expect("df's answer")
    }

    /// Remounts the filesystem read-only (`true`) or writable (tmpfs only; every file must be
    /// closed for writing first, or the kernel refuses).
    pub fn set_read_only(&self, read_only: bool) {
        assert_eq!(self.kind, DiskKind::Tmpfs, "only a real disk is remounted");
        let option = if read_only { "remount,ro" } else { "remount,rw" };
        let out = Command::new("mount").args(["-o", option]).arg(self.path()).output().expect("mount runs");
        assert!(out.status.success(), "mount -o {option}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if self.kind == DiskKind::Tmpfs {
            // Lazy: a file a failing drill left open must not keep the mount (and the drill) alive.
            let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
        }
    }
}
