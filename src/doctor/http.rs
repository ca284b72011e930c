//! Plain HTTP GETs against the auth endpoints: no redirects followed, every request bounded
//! in time (the caller's total covers connect, headers and body, so a slow-drip answer times
//! out) and in memory (headers up to [`HEADER_LIMIT`], bodies up to [`BODY_LIMIT`]), proxy taken
//! from `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` (and `NO_PROXY`).
use std::io::Read;
use std::time::Duration;

use serde::Serialize;

/// Bodies are read up to this many bytes (1 MiB): Auth.js answers are a few hundred bytes, so a
/// longer body is not Auth.js ([`Reply::body_truncated`]) and the rest is never read.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Status line and headers together may take this many bytes (64 KiB); more is a protocol error.
pub const HEADER_LIMIT: usize = 64 * 1024;

/// One answer, reduced to what the checks need. Cookie values are dropped on parsing.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub set_cookies: Vec<SetCookie>,
    pub body: String,
    /// Answered at the path with a trailing slash, after Next's `trailingSlash` 308.
    pub via_trailing_slash: bool,
    /// The body went on past [`BODY_LIMIT`]; `body` holds its first [`BODY_LIMIT`] bytes.
    pub body_truncated: bool,
    /// `x-nextjs-redirect`: Next's redirect answer to a data request (no `Location`).
    pub next_redirect: Option<String>,
}

/// A `Set-Cookie` header without its value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SetCookie {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
}

impl SetCookie {
    /// Parse one `Set-Cookie` header value; the cookie's value is not kept.
    pub fn parse(header: &str) -> Option<SetCookie> {
        let mut parts = header.split(';');
        let first = parts.next()?;
        let (name, _value) = first.split_once('=')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let mut c = SetCookie { name: name.to_string(), ..Default::default() };
        for attr in parts {
            let (k, v) = match attr.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (attr.trim(), None),
            };
            match k.to_ascii_lowercase().as_str() {
                "secure" => c.secure = true,
                "httponly" => c.http_only = true,
                "domain" => c.domain = v.filter(|v| !v.is_empty()).map(str::to_string),
                "path" => c.path = v.map(str::to_string),
                "samesite" => c.same_site = v.map(str::to_string),
                _ => {}
            }
        }
        Some(c)
    }

    /// `HttpOnly; Secure; SameSite=Lax; Path=/` — attributes only, for reports.
    pub fn attributes(&self) -> String {
        let mut a = Vec::new();
        if self.http_only {
            a.push("HttpOnly".to_string());
        }
        if self.secure {
            a.push("Secure".to_string());
        }
        if let Some(s) = &self.same_site {
            a.push(format!("SameSite={s}"));
        }
        if let Some(p) = &self.path {
            a.push(format!("Path={p}"));
        }
        if let Some(d) = &self.domain {
            a.push(format!("Domain={d}"));
        }
        a.join("; ")
    }
}

impl Reply {
    /// Build a reply from a status and raw headers (name, value).
    pub fn from_parts(status: u16, headers: &[(String, String)], body: String) -> Reply {
        let mut r = Reply { status, body, ..Default::default() };
        for (k, v) in headers {
            match k.to_ascii_lowercase().as_str() {
                "location" => r.location = Some(v.clone()),
                "content-type" => r.content_type = Some(v.clone()),
                "set-cookie" => r.set_cookies.extend(SetCookie::parse(v)),
                "x-nextjs-redirect" => r.next_redirect = Some(v.clone()),
                _ => {}
            }
        }
        r
    }

    /// Parse a recorded raw HTTP/1.1 response (status line, headers, blank line, body).
    #[cfg(test)]
    pub fn from_raw(raw: &str) -> Reply {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let mut lines = head.lines();
        let status_line = lines.next().unwrap_or_default();
        let status = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers: Vec<(String, String)> = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
        Reply::from_parts(status, &headers, body.to_string())
    }

    pub fn is_json(&self) -> bool {
        self.content_type.as_deref().is_some_and(|c| c.to_ascii_lowercase().contains("json"))
    }

    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }
}

/// Why a URL could not be asked at all (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreachable {
    /// `dns`, `refused`, `tls`, `timeout`, `proxy`, `connection`, `invalid-url`, `protocol`.
    pub kind: &'static str,
    pub message: String,
}

/// The HTTP client: one agent, no redirects, statuses are answers (not errors).
pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    /// `ca_file`: a PEM bundle trusted instead of the built-in Mozilla roots (`SSL_CERT_FILE`).
    pub fn new(timeout: Duration, ca_file: Option<&std::path::Path>) -> Result<Client, String> {
        // `Agent::config_builder()` starts from `Config::default()`, which reads the proxy from
        // ALL_PROXY / HTTPS_PROXY / HTTP_PROXY and honours NO_PROXY.
        let mut builder = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_resolve(Some(timeout.min(Duration::from_secs(5))))
            .timeout_connect(Some(timeout.min(Duration::from_secs(5))))
            .max_redirects(0)
            .max_response_header_size(HEADER_LIMIT)
            .http_status_as_error(false)
            .user_agent(concat!("authfix-doctor/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_file {
            let certs = read_ca_file(path)?;
            builder = builder.tls_config(ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::new_with_certs(&certs)).build());
        }
        Ok(Client { agent: builder.build().into() })
    }

    /// GET an auth endpoint (`Accept: application/json`).
    pub fn get(&self, url: &str) -> Result<Reply, Unreachable> {
        self.get_with(url, "application/json", &[])
    }

    /// GET a page as a browser would (`Accept: text/html…`), with extra headers.
    pub fn get_page(&self, url: &str, headers: &[(&str, String)]) -> Result<Reply, Unreachable> {
        self.get_with(url, "text/html,application/xhtml+xml,*/*;q=0.8", headers)
    }

    fn get_with(&self, url: &str, accept: &str, headers: &[(&str, String)]) -> Result<Reply, Unreachable> {
        let mut req = self.agent.get(url).header("Accept", accept);
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        let mut resp = req.call().map_err(|e| classify_error(&e))?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> =
            resp.headers().iter().map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
        // One byte past the limit tells a long body from one of exactly the limit.
        let mut bytes = Vec::new();
        resp.body_mut().as_reader().take(BODY_LIMIT as u64 + 1).read_to_end(&mut bytes).map_err(|e| classify_error(&ureq::Error::from(e)))?;
        let body_truncated = bytes.len() > BODY_LIMIT;
        bytes.truncate(BODY_LIMIT);
        let mut reply = Reply::from_parts(status, &headers, String::from_utf8_lossy(&bytes).into_owned());
        reply.body_truncated = body_truncated;
        Ok(reply)
    }
}

fn read_ca_file(path: &std::path::Path) -> Result<Vec<ureq::tls::Certificate<'static>>, String> {
    let pem = std::fs::read(path).map_err(|e| format!("SSL_CERT_FILE {}: {e}", path.display()))?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(format!("SSL_CERT_FILE {}: no PEM certificate in it", path.display()));
    }
    Ok(certs)
}

fn classify_error(e: &ureq::Error) -> Unreachable {
    use ureq::Error as E;
    let (kind, message) = match e {
        E::HostNotFound => ("dns", "the host name does not resolve (DNS)".to_string()),
        E::Timeout(t) => ("timeout", format!("no answer in time ({t})")),
        // std's getaddrinfo failure is an io::Error "failed to lookup address information: …".
        E::Io(io) if io.to_string().contains("failed to lookup address") => ("dns", format!("the host name does not resolve (DNS): {io}")),
        E::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => ("refused", "connection refused: nothing listens on that port".to_string()),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => ("timeout", format!("no answer in time ({io})")),
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => {
                ("connection", format!("the server closed the connection before a complete HTTP answer ({io})"))
            }
            std::io::ErrorKind::InvalidData if io.to_string().to_lowercase().contains("certificate") => ("tls", format!("TLS: {io}")),
            _ => ("connection", io.to_string()),
        },
        E::Tls(m) => ("tls", format!("TLS: {m}")),
        E::Rustls(r) => ("tls", format!("TLS: {r}")),
        E::Pem(p) => ("tls", format!("TLS: {p}")),
        E::TlsRequired => ("tls", "TLS required".to_string()),
        E::InvalidProxyUrl => ("proxy", "the proxy URL in the environment is invalid".to_string()),
        E::ConnectProxyFailed(m) => ("proxy", format!("the proxy refused the connection: {m}")),
        E::ConnectionFailed => ("connection", "the connection failed".to_string()),
        E::BadUri(m) => ("invalid-url", m.clone()),
        E::Protocol(p) => ("protocol", format!("the answer is not HTTP/1.x ({p}): something else than a web server listens there")),
        E::LargeResponseHeader(_, limit) => {
            ("protocol", format!("the response headers are larger than {} KiB: not an Auth.js answer; doctor stopped reading", limit / 1024))
        }
        other => ("protocol", other.to_string()),
    };
    Unreachable { kind, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_parsing_keeps_attributes_not_values() {
        let c = SetCookie::parse("__Host-authjs.csrf-token=abc%7Cdef; Path=/; HttpOnly; Secure; SameSite=Lax").unwrap();
        assert_eq!(c.name, "__Host-authjs.csrf-token");
        assert!(c.secure && c.http_only);
        assert_eq!(c.path.as_deref(), Some("/"));
        assert_eq!(c.same_site.as_deref(), Some("Lax"));
        assert_eq!(c.domain, None);
        assert!(!format!("{c:?}").contains("abc"));
        let d = SetCookie::parse("next-auth.session-token=x; Domain=.example.com; path=/").unwrap();
        assert_eq!(d.domain.as_deref(), Some(".example.com"));
        assert!(!d.secure);
        assert!(SetCookie::parse("garbage").is_none());
    }

    #[test]
    fn transport_errors_are_classified() {
        use std::io::{Error as IoError, ErrorKind};
        let kind = |e: ureq::Error| classify_error(&e).kind;
        assert_eq!(kind(ureq::Error::HostNotFound), "dns");
        assert_eq!(kind(ureq::Error::Io(IoError::other("failed to lookup address information: Name or service not known"))), "dns");
        assert_eq!(kind(ureq::Error::Io(IoError::from(ErrorKind::ConnectionRefused))), "refused");
        assert_eq!(kind(ureq::Error::Timeout(ureq::Timeout::Connect)), "timeout");
        assert_eq!(kind(ureq::Error::Tls("bad certificate")), "tls");
        assert_eq!(kind(ureq::Error::ConnectProxyFailed("403".into())), "proxy");
        assert_eq!(kind(ureq::Error::LargeResponseHeader(70_000, HEADER_LIMIT)), "protocol");
        assert!(classify_error(&ureq::Error::LargeResponseHeader(70_000, HEADER_LIMIT)).message.contains("larger than 64 KiB"));
        let eof = classify_error(&ureq::Error::Io(IoError::new(ErrorKind::UnexpectedEof, "Peer disconnected")));
        assert_eq!(eof.kind, "connection");
        assert!(eof.message.contains("closed the connection"), "{}", eof.message);
    }

    #[test]
    fn raw_reply_parsing() {
        let r = Reply::from_raw("HTTP/1.1 307 Temporary Redirect\nlocation: /api/auth/signin\nset-cookie: a=b; Path=/\n\n/api/auth/signin");
        assert_eq!(r.status, 307);
        assert!(r.is_redirect());
        assert_eq!(r.location.as_deref(), Some("/api/auth/signin"));
        assert_eq!(r.set_cookies.len(), 1);
    }
}
