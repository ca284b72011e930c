//! The one output boundary. Everything authfix prints — reports in every format, diffs, the
//! interactive review, notes and errors — is written through [`stdout`] / [`stderr`] (or the
//! [`outln!`](crate::outln) family of macros), and every secret the run knows is replaced with
//! `***` on the way out. Secrets are registered once, as soon as they are known (the engine
//! reports a project's in [`Outcome::secrets`](authfix_transforms::engine::Outcome), the
//! scaffold registers the ones it generates); a renderer cannot forget to mask.
//!
//! A renderer that lays text out around a secret (a code frame's caret) or escapes it (JSON,
//! GitHub workflow commands) must not let the boundary see a different string than the secret:
//! the boundary therefore also masks each secret's JSON-escaped and workflow-command-escaped
//! forms, and the code-frame renderer masks before measuring.
use std::io::Write;
use std::sync::RwLock;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Values shorter than this are not masked: they would mask ordinary words.
const MIN_LEN: usize = 4;

/// The forms a secret can take in our output: as is, JSON-escaped, and escaped for GitHub
/// workflow commands (data and property escaping).
fn forms(s: &str) -> Vec<String> {
    let mut v = vec![s.to_string()];
    if let Ok(j) = serde_json::to_string(s) {
        v.push(j[1..j.len() - 1].to_string());
    }
    let data = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    v.push(data.replace(':', "%3A").replace(',', "%2C"));
    v.push(data);
    v
}

/// Add secrets to mask in everything printed from now on.
pub fn register<S: AsRef<str>>(secrets: &[S]) {
    let mut all = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    for s in secrets {
        let s = s.as_ref();
        if s.len() < MIN_LEN {
            continue;
        }
        for f in forms(s) {
            if !all.contains(&f) {
                all.push(f);
            }
        }
    }
    // Longest first, so that a secret containing another is masked whole.
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered secret masked.
pub fn mask(text: &str) -> String {
    let all = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    authfix_transforms::secrets::mask(text, &all)
}

/// Whether `text` holds a registered secret.
pub fn holds_secret(text: &str) -> bool {
    mask(text) != text
}

/// A writer that masks secrets. It passes text on a line at a time (secrets never span a line
/// break), so a secret split across two `write` calls is still masked; the rest is flushed on
/// `flush` and on drop.
pub struct Masked<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Masked<W> {
    pub fn new(inner: W) -> Self {
        Masked { inner, pending: Vec::new() }
    }

    fn emit(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        self.inner.write_all(mask(&text).as_bytes())
    }
}

impl<W: Write> Write for Masked<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last_nl) = self.pending.iter().rposition(|&b| b == b'\n') {
            let rest = self.pending.split_off(last_nl + 1);
            let lines = std::mem::replace(&mut self.pending, rest);
            self.emit(&lines)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.emit(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Masked<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Standard output through the boundary (colours stripped when not a terminal, as anstream does).
pub fn stdout() -> Masked<anstream::AutoStream<std::io::Stdout>> {
    Masked::new(anstream::stdout())
}

/// Standard error through the boundary.
pub fn stderr() -> Masked<anstream::AutoStream<std::io::Stderr>> {
    Masked::new(anstream::stderr())
}

/// `print!` through the output boundary.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!($crate::output::stdout(), $($arg)*);
    }};
}

/// `println!` through the output boundary.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::output::stdout(), $($arg)*);
    }};
}

/// `eprintln!` through the output boundary.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::output::stderr(), $($arg)*);
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_across_writes_and_in_escaped_forms() {
        register(&["s3cr%t:v,al\"ue/+=="]);
        let mut buf = Vec::new();
        {
            let mut w = Masked::new(&mut buf);
            // Split in the middle of the secret, over two writes.
            w.write_all(b"AUTH_SECRET=s3cr%t:v,").unwrap();
            w.write_all(b"al\"ue/+==\n").unwrap();
            w.write_all(serde_json::json!({ "v": "s3cr%t:v,al\"ue/+==" }).to_string().as_bytes()).unwrap();
            w.write_all(b"\n::error title=s3cr%25t%3Av%2Cal\"ue/+==::s3cr%25t:v,al\"ue/+==\n").unwrap();
            w.write_all(b"no newline at the end: s3cr%t:v,al\"ue/+==").unwrap();
        }
        let out = String::from_utf8(buf).unwrap();
        assert_eq!(out, "AUTH_SECRET=***\n{\"v\":\"***\"}\n::error title=***::***\nno newline at the end: ***");
        assert!(holds_secret("x s3cr%t:v,al\"ue/+== y"));
        assert!(!holds_secret("nothing here"));
    }
}
