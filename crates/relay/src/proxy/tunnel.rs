//! The byte copy between a device and its upstream, in both directions, with an idle timeout.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

/// Copies until both sides have finished (each EOF is passed on as a write shutdown), or until no
/// byte has moved either way for `idle`. Returns the bytes copied (a → b, b → a).
pub async fn splice<A, B>(a: A, b: B, idle: Duration) -> std::io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Send,
    B: AsyncRead + AsyncWrite + Send,
{
    let (mut a_read, mut a_write) = tokio::io::split(a);
    let (mut b_read, mut b_write) = tokio::io::split(b);
    let start = Instant::now();
    let last_active = AtomicU64::new(0);
    let both = async {
        tokio::try_join!(pump(&mut a_read, &mut b_write, &last_active, start), pump(&mut b_read, &mut a_write, &last_active, start))
    };
    let idle_out = async {
        loop {
            let deadline = start + Duration::from_millis(last_active.load(Ordering::Relaxed)) + idle;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    };
    tokio::select! {
        copied = both => copied,
        () = idle_out => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, format!("idle for {idle:?}"))),
    }
}

async fn pump<R, W>(from: &mut R, to: &mut W, last_active: &AtomicU64, start: Instant) -> std::io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf = vec![0u8; 16 * 1024];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            to.shutdown().await?;
            return Ok(total);
        }
        to.write_all(&buf[..n]).await?;
        to.flush().await?;
        total += n as u64;
        last_active.store(start.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}
