//! The allow-list: the `host:port` pairs devices may reach through the proxy.

use std::fmt;

/// One `host:port` destination. Hosts compare case-insensitively; IPv6 literals are bracketed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Destination {
    /// Lowercase host name or IP literal (IPv6 without brackets).
    pub host: String,
    /// The port.
    pub port: u16,
}

impl Destination {
    /// Parses `host:port` (`api.weixin.qq.com:443`, `127.0.0.1:8080`, `[::1]:443`).
    pub fn parse(text: &str) -> Option<Destination> {
        let (host, port) = text.rsplit_once(':')?;
        let host = match host.strip_prefix('[') {
            Some(inner) => inner.strip_suffix(']')?,
            None if host.contains(':') => return None,
            None => host,
        };
        let port: u16 = port.parse().ok().filter(|&p| p != 0)?;
        let valid = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'));
        valid.then(|| Destination { host: host.to_ascii_lowercase(), port })
    }

    /// The authority to dial and to show: `host:port`, IPv6 bracketed.
    pub fn authority(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// The configured destinations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowList(Vec<Destination>);

impl AllowList {
    /// Parses the `[proxy] allow` entries; names the first malformed one.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<AllowList, String> {
        entries
            .iter()
            .map(|e| Destination::parse(e.as_ref()).ok_or_else(|| format!("[proxy] allow entry {:?} is not host:port", e.as_ref())))
            .collect::<Result<_, _>>()
            .map(AllowList)
    }

    /// Whether `destination` is on the list.
    pub fn allows(&self, destination: &Destination) -> bool {
        self.0.contains(destination)
    }
}

impl fmt::Display for AllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        assert_eq!(Destination::parse("API.weixin.qq.com:443").unwrap().to_string(), "api.weixin.qq.com:443");
        assert_eq!(Destination::parse("[::1]:8443").unwrap(), Destination { host: "::1".into(), port: 8443 });
        assert_eq!(Destination::parse("[::1]:8443").unwrap().to_string(), "[::1]:8443");
        for bad in ["api.weixin.qq.com", "host:0", "host:99999", ":443", "::1:443", "a b:1", "h/x:1", "[::1:443"] {
            assert_eq!(Destination::parse(bad), None, "{bad}");
        }
        let list = AllowList::parse(&["api.weixin.qq.com:443", "127.0.0.1:80"]).unwrap();
        assert!(list.allows(&Destination::parse("api.WEIXIN.qq.com:443").unwrap()));
        assert!(!list.allows(&Destination::parse("api.weixin.qq.com:80").unwrap()));
        assert!(AllowList::parse(&["nope"]).is_err());
    }
}
