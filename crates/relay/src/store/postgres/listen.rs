//! Wake-ups across relay instances: a dedicated connection LISTENs for the NOTIFY every append
//! sends at commit, and raises the store's "latest committed sequence" watch.
//!
//! NOTIFY is a hint, not the record: after every (re)connect, and every [`RECHECK`] while
//! connected, the listener also reads `last_seq` itself, so a notification lost while the
//! connection was down delays a long-poll by at most that long, and a dead connection is noticed.

use std::future::poll_fn;
use std::time::Duration;

use postgres_native_tls::MakeTlsConnector;
use tokio::sync::watch;
use tokio_postgres::{AsyncMessage, Client, Config};

/// The NOTIFY channel; the payload is the appended sequence number.
pub const CHANNEL: &str = "wxfleet_relay_events";

/// How often the listener re-reads `last_seq` (and so proves the connection alive).
const RECHECK: Duration = Duration::from_secs(10);
/// The longest wait between reconnect attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Raises `latest` to `seq` if that is newer; waiters are woken only on a change.
pub fn raise(latest: &watch::Sender<i64>, seq: i64) {
    latest.send_if_modified(|current| {
        let newer = seq > *current;
        if newer {
            *current = seq;
        }
        newer
    });
}

/// Runs until aborted: listens, and reconnects with backoff whenever the connection fails.
pub async fn run(config: Config, tls: MakeTlsConnector, latest: watch::Sender<i64>) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match listen_once(&config, tls.clone(), &latest, &mut backoff).await {
            Ok(()) => tracing::warn!("postgres LISTEN connection closed; reconnecting"),
            Err(e) => tracing::warn!(error = %e, "postgres LISTEN connection failed; reconnecting"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn listen_once(
    config: &Config,
    tls: MakeTlsConnector,
    latest: &watch::Sender<i64>,
    backoff: &mut Duration,
) -> Result<(), ListenError> {
    let (client, mut connection) = config.connect(tls).await?;
    // Notifications surface only through the connection's message poll, so drive it here.
    let notified = latest.clone();
    let mut driver = tokio::spawn(async move {
        while let Some(message) = poll_fn(|cx| connection.poll_message(cx)).await {
            match message? {
                AsyncMessage::Notification(n) if n.channel() == CHANNEL => match n.payload().parse::<i64>() {
                    Ok(seq) => raise(&notified, seq),
                    Err(_) => tracing::warn!(payload = n.payload(), "unexpected NOTIFY payload"),
                },
                _ => {}
            }
        }
        Ok::<(), tokio_postgres::Error>(())
    });
    let body = async {
        client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
        *backoff = Duration::from_millis(250);
        loop {
            recheck(&client, latest).await?;
            tokio::time::sleep(RECHECK).await;
        }
    };
    let result = tokio::select! {
        ended = &mut driver => ended.unwrap_or(Ok(())).map_err(ListenError::from),
        failed = body => failed,
    };
    driver.abort();
    result
}

async fn recheck(client: &Client, latest: &watch::Sender<i64>) -> Result<(), ListenError> {
    let query = client.query_one("SELECT value FROM relay_meta WHERE key = 'last_seq'", &[]);
    // A connection that cannot answer in that long is gone (dropping the client ends it).
    let row = tokio::time::timeout(RECHECK, query).await.map_err(|_| ListenError::Unresponsive)??;
    raise(latest, row.get(0));
    Ok(())
}

#[derive(Debug, thiserror::Error)]
enum ListenError {
    #[error(transparent)]
    Postgres(#[from] tokio_postgres::Error),
    #[error("the server did not answer within {RECHECK:?}")]
    Unresponsive,
}
