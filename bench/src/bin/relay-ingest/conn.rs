//! One keep-alive HTTP/1.1 connection, spoken by hand: the load generator should cost as little CPU
//! as possible, since it shares the machine with the server it measures.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long one request may take before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection to the server under test.
pub struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
    line: String,
    body: Vec<u8>,
}

impl Conn {
    /// Connects (with `TCP_NODELAY`, as servers' clients usually have).
    pub async fn connect(addr: SocketAddr) -> std::io::Result<Conn> {
        let mut conn = Conn { addr, stream: None, line: String::new(), body: Vec::new() };
        conn.reconnect().await?;
        Ok(conn)
    }

    async fn reconnect(&mut self) -> std::io::Result<()> {
        let stream = TcpStream::connect(self.addr).await?;
        stream.set_nodelay(true)?;
        self.stream = Some(BufReader::with_capacity(4096, stream));
        Ok(())
    }

    /// Sends `request` and reads the answer, which must be `200` with the body `success`.
    /// A connection the server closed while idle (before answering) is reopened once.
    pub async fn exchange(&mut self, request: &[u8]) -> Result<(), String> {
        match tokio::time::timeout(REQUEST_TIMEOUT, self.exchange_once(request)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(Failure::ClosedBeforeAnswer)) => {
                self.reconnect().await.map_err(|e| format!("reconnect: {e}"))?;
                match tokio::time::timeout(REQUEST_TIMEOUT, self.exchange_once(request)).await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(self.fail(e)),
                    Err(_) => Err(self.fail(Failure::Other("timed out".to_owned()))),
                }
            }
            Ok(Err(e)) => Err(self.fail(e)),
            Err(_) => Err(self.fail(Failure::Other("timed out".to_owned()))),
        }
    }

    fn fail(&mut self, failure: Failure) -> String {
        // The stream is in an unknown state: the next request starts on a new connection.
        self.stream = None;
        match failure {
            Failure::ClosedBeforeAnswer => "connection closed before the answer".to_owned(),
            Failure::Other(e) => e,
        }
    }

    async fn exchange_once(&mut self, request: &[u8]) -> Result<(), Failure> {
        if self.stream.is_none() {
            self.reconnect().await.map_err(|e| Failure::Other(format!("connect: {e}")))?;
        }
        let Some(stream) = self.stream.as_mut() else { return Err(Failure::Other("no connection".to_owned())) };
        if stream.get_mut().write_all(request).await.is_err() {
            return Err(Failure::ClosedBeforeAnswer);
        }
        self.line.clear();
        match stream.read_line(&mut self.line).await {
            Ok(0) | Err(_) => return Err(Failure::ClosedBeforeAnswer),
            Ok(_) => {}
        }
        let status_ok = self.line.starts_with("HTTP/1.1 200 ");
        let status = self.line.trim_end().to_owned();
        let mut content_length = None;
        let mut close = false;
        loop {
            self.line.clear();
            let n = stream.read_line(&mut self.line).await.map_err(|e| Failure::Other(format!("reading headers: {e}")))?;
            if n == 0 {
                return Err(Failure::Other("connection closed in the headers".to_owned()));
            }
            let header = self.line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else { continue };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
                close = true;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                return Err(Failure::Other(format!("unsupported transfer-encoding {value}")));
            }
        }
        let length = content_length.ok_or_else(|| Failure::Other("no content-length".to_owned()))?;
        self.body.resize(length, 0);
        stream.read_exact(&mut self.body).await.map_err(|e| Failure::Other(format!("reading the body: {e}")))?;
        if close {
            self.stream = None;
        }
        if !status_ok {
            return Err(Failure::Other(format!("{status}: {}", String::from_utf8_lossy(&self.body))));
        }
        if self.body != b"success" {
            return Err(Failure::Other(format!("body {:?} is not `success`", String::from_utf8_lossy(&self.body))));
        }
        Ok(())
    }
}

enum Failure {
    /// The server closed the connection before any byte of the answer: the request was not served.
    ClosedBeforeAnswer,
    Other(String),
}
