//! dotenv files, read without losing anything: every entry keeps its byte ranges so that a fix
//! can rename a key, drop a line or append one while comments, order and line endings survive.
//!
//! Hand-written on purpose: the dotenv crates (`dotenvy`, `dotenv-parser`) return keys and values
//! only, without the byte ranges the fixes splice at.
use crate::edit::{self, Edit};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// The value with surrounding quotes removed.
    pub value: String,
    /// The whole line, without its line break.
    pub line: std::ops::Range<usize>,
    pub key_range: std::ops::Range<usize>,
    pub value_range: std::ops::Range<usize>,
}

/// Parse `KEY=value` lines (optionally `export KEY=value`); comments and blank lines are skipped.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let start = pos;
        pos += raw.len();
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        let end = start + line.len();
        let lead = line.len() - line.trim_start().len();
        let mut body = &line[lead..];
        let mut off = start + lead;
        if body.starts_with('#') || body.is_empty() {
            continue;
        }
        if let Some(rest) = body.strip_prefix("export ") {
            off += 7;
            body = rest;
        }
        let Some(eq) = body.find('=') else { continue };
        let key = body[..eq].trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let key_start = off + (body.len() - body.trim_start().len());
        let vraw = &body[eq + 1..];
        let vstart = off + eq + 1 + (vraw.len() - vraw.trim_start().len());
        let vtrim = vraw.trim();
        let (value, vrange) = if (vtrim.starts_with('"') || vtrim.starts_with('\'')) && vtrim.len() >= 2 {
            let q = vtrim.chars().next().unwrap();
            match vtrim[1..].find(q) {
                Some(close) => (vtrim[1..1 + close].to_string(), vstart + 1..vstart + 1 + close),
                None => (vtrim.to_string(), vstart..vstart + vtrim.len()),
            }
        } else {
            // Unquoted: an inline comment starts at ` #`.
            let v = match vtrim.find(" #") {
                Some(i) => vtrim[..i].trim_end(),
                None => vtrim,
            };
            (v.to_string(), vstart..vstart + v.len())
        };
        out.push(Entry { key: key.to_string(), value, line: start..end, key_range: key_start..key_start + key.len(), value_range: vrange });
    }
    out
}

pub fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Entry> {
    entries.iter().find(|e| e.key == key)
}

/// Delete an entry's whole line (with its line break).
pub fn delete_line(text: &str, e: &Entry) -> Edit {
    Edit::delete(e.line.start, edit::line_end_incl(text, e.line.start))
}

/// Append `line` at the end, adding a line break first when the file lacks a final one.
pub fn append_line(text: &str, line: &str) -> Edit {
    let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
    Edit::insert(text.len(), format!("{sep}{line}\n"))
}

/// Is this a file authfix reads as dotenv? (`.env`, `.env.local`, `.env.production`, …, and the
/// templates written without the leading dot: `env.example`, `env.example.txt`, `example.env`)
pub fn is_env_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == ".env" || name.starts_with(".env.") || is_undotted_template(name)
}

/// A variables template whose name does not start with `.env` (Next never loads it): `env.example`,
/// `env.sample`, `env.template`, `example.env`, `sample.env`, each also with `.txt`.
pub fn is_undotted_template(name: &str) -> bool {
    let n = name.strip_suffix(".txt").unwrap_or(name);
    ["env.example", "env.sample", "env.template", "example.env", "sample.env"].contains(&n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keeping_ranges() {
        let t = "# c\r\nAUTH_SECRET=\"abc def\"\r\nexport NEXTAUTH_URL=http://localhost:3000 # dev\r\nBAD LINE\r\nEMPTY=\r\n";
        let e = parse(t);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].key, "AUTH_SECRET");
        assert_eq!(e[0].value, "abc def");
        assert_eq!(&t[e[0].value_range.clone()], "abc def");
        assert_eq!(e[1].key, "NEXTAUTH_URL");
        assert_eq!(e[1].value, "http://localhost:3000");
        assert_eq!(&t[e[1].key_range.clone()], "NEXTAUTH_URL");
        assert_eq!(e[2].value, "");
        let out = crate::edit::apply(t, &[delete_line(t, &e[1])], "\r\n");
        assert_eq!(out, "# c\r\nAUTH_SECRET=\"abc def\"\r\nBAD LINE\r\nEMPTY=\r\n");
    }

    #[test]
    fn append_adds_missing_newline() {
        assert_eq!(crate::edit::apply("A=1", &[append_line("A=1", "B=2")], "\n"), "A=1\nB=2\n");
    }
}
