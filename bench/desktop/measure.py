#!/usr/bin/env python3
"""Desktop figures: cold start to interactive, idle memory of all the app's processes, and filtering
10,000 mini program rows. Prints the figures and their ratio to the targets (1.0 s, 200 MB, 50 ms).

    bench/desktop/measure.py [--app PATH] [--runs N]

The app binary defaults to the release build (built if missing: `cargo build --release -p
wxfleet-desktop`). Without a display it re-runs itself under xvfb-run. "Interactive" is the moment
the UI tells the core its first screen has painted (the app prints `wxfleet: interactive after N
ms`); the figure here is the wall time from spawning the process to that line.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGETS = {"cold start (s)": 1.0, "idle memory (MB)": 200.0, "filter 10,000 rows (ms)": 50.0}


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")


def ensure_app(path: str | None) -> Path:
    app = Path(path) if path else target_dir() / "release" / "wxfleet-desktop"
    if not app.exists():
        subprocess.run(["npm", "run", "build"], cwd=REPO / "ui", check=True)
        subprocess.run(["cargo", "build", "--release", "-p", "wxfleet-desktop"], cwd=REPO, check=True)
    return app


def start(app: Path, workspace: Path) -> tuple[subprocess.Popen, float]:
    """Starts the app and returns it with the seconds until it said it was interactive."""
    return spawn([str(app), "--workspace", str(workspace)])


def spawn(argv: list[str]) -> tuple[subprocess.Popen, float]:
    """Starts `argv` and returns it with the seconds until it printed "interactive after" on stderr."""
    # The floor page gets the renderer setting the app gives itself (src-tauri/src/renderer.rs).
    env = {**os.environ, "WXFLEET_NO_KEYCHAIN": "1", "WXFLEET_LOG": "warn", "WEBKIT_DISABLE_COMPOSITING_MODE": "1"}
    began = time.monotonic()
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if os.environ.get("WXFLEET_BENCH_VERBOSE"):
            print(f"  app: {line.rstrip()}", flush=True)
        if "interactive after" in line:
            elapsed = time.monotonic() - began
            # Keep draining stderr so the app never blocks on a full pipe.
            subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)
            return proc, elapsed
    raise SystemExit(f"the app exited (status {proc.wait()}) before it became interactive")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = [pid], [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def memory_mb(pid: int) -> tuple[float, float, list[str]]:
    """RSS and PSS (shared pages split between processes: the honest sum) of the process tree, in MB."""
    rss = pss = 0
    names = []
    for p in descendants(pid):
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            comm = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            continue
        own_pss = int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))
        rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1))
        pss += own_pss
        names.append(f"{comm} {own_pss / 1024:.0f} MB")
    return rss / 1024, pss / 1024, names


def webkit_floor(idle_secs: float) -> float | None:
    """Idle PSS of a blank WebKitGTK window (webkit_floor.py), measured like the app's; None if PyGObject is missing."""
    python = "/usr/bin/python3"
    if subprocess.run([python, "-c", "import gi; gi.require_version('WebKit2', '4.1')"], capture_output=True).returncode != 0:
        print("webkit floor: skipped (apt-get install python3-gi gir1.2-webkit2-4.1)")
        return None
    proc, _ = spawn([python, str(Path(__file__).with_name("webkit_floor.py"))])
    time.sleep(idle_secs)
    rss, pss, names = memory_mb(proc.pid)
    stop(proc)
    print(f"webkit floor: a blank WebKitGTK page in a GTK window ({', '.join(names)}): PSS {pss:.0f} MB, RSS {rss:.0f} MB")
    return pss


def filter_bench() -> dict:
    bundle = Path(tempfile.mkdtemp()) / "filter-bench.mjs"
    esbuild = REPO / "ui" / "node_modules" / ".bin" / "esbuild"
    subprocess.run([str(esbuild), str(Path(__file__).with_name("filter-bench.ts")), "--bundle", "--platform=node", "--format=esm", f"--outfile={bundle}", "--log-level=warning"], check=True)
    out = subprocess.run(["node", str(bundle)], check=True, capture_output=True, text=True).stdout
    print(out.strip())
    return {k: float(v) for k, v in re.findall(r"^(\w+)=([\d.]+)$", out, re.M)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle-secs", type=float, default=10.0)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, *sys.argv])
    app = ensure_app(args.app)
    print(f"app: {app} ({app.stat().st_size / 1e6:.1f} MB)")

    firsts, warms = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as ws:
            proc, first = start(app, Path(ws) / "w")
            stop(proc)
            proc, warm = start(app, Path(ws) / "w")
            stop(proc)
            firsts.append(first)
            warms.append(warm)
    print(f"first start (new workspace: sandbox started and seeded) to interactive: median {statistics.median(firsts):.3f} s  (runs: {', '.join(f'{s:.3f}' for s in firsts)})")
    print(f"start (existing workspace, sandbox resumed) to interactive:             median {statistics.median(warms):.3f} s  (runs: {', '.join(f'{s:.3f}' for s in warms)})")

    with tempfile.TemporaryDirectory() as ws:
        proc, _ = start(app, Path(ws) / "w")
        time.sleep(args.idle_secs)
        rss, pss, names = memory_mb(proc.pid)
        stop(proc)
    print(f"idle after {args.idle_secs:.0f} s, all processes ({', '.join(names)}): PSS {pss:.0f} MB, RSS {rss:.0f} MB")

    floor = webkit_floor(args.idle_secs)

    figures = filter_bench()
    cold = statistics.median(warms)
    print("\nfigure                      measured   target   ratio (measured / target)")
    for name, value in [("cold start (s)", cold), ("idle memory (MB)", pss), ("filter 10,000 rows (ms)", figures.get("filter_ms", float("nan")))]:
        print(f"{name:<27} {value:>8.3f} {TARGETS[name]:>8.1f}   {value / TARGETS[name]:.2f}")
    if floor:
        print(f"idle memory over the WebKit floor: {pss - floor:.0f} MB ({pss / floor:.2f} × the floor of {floor:.0f} MB; the floor is {floor / TARGETS['idle memory (MB)']:.2f} × the target)")


if __name__ == "__main__":
    main()
