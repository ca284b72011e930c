//! Text edits spliced into the original source, and the helpers that widen a deletion to whole
//! lines so that no blank line or dangling comma is left behind.
use serde::Serialize;

/// Replace `start..end` (byte offsets in the text without BOM) with `text`.
/// Rules write `\n`; the engine converts to the file's line ending.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Edit {
    pub fn replace(start: usize, end: usize, text: impl Into<String>) -> Edit {
        Edit { start, end, text: text.into() }
    }
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit { start: at, end: at, text: text.into() }
    }
    pub fn delete(start: usize, end: usize) -> Edit {
        Edit { start, end, text: String::new() }
    }
    /// Two edits conflict when their ranges overlap, or when both insert at the same point
    /// (their order would be ambiguous). Identical edits do not conflict: they merge.
    pub fn conflicts(&self, other: &Edit) -> bool {
        if self == other {
            return false;
        }
        if self.start == self.end && other.start == other.end {
            return self.start == other.start;
        }
        self.start < other.end && other.start < self.end
            || (self.start == self.end && self.start > other.start && self.start < other.end)
            || (other.start == other.end && other.start > self.start && other.start < self.end)
    }
}

/// Apply non-conflicting edits to `text`. Duplicates are applied once. Panics in debug builds on
/// overlapping edits (the engine never passes them).
pub fn apply(text: &str, edits: &[Edit], eol: &str) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|a| (a.start, a.end));
    sorted.dedup();
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in sorted {
        debug_assert!(e.start >= pos, "overlapping edits");
        if e.start < pos {
            continue;
        }
        out.push_str(&text[pos..e.start]);
        out.push_str(&convert_eol(&e.text, eol));
        pos = e.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Normalise line endings of inserted text to `eol`.
pub fn convert_eol(s: &str, eol: &str) -> String {
    let lf = s.replace("\r\n", "\n");
    if eol == "\n" {
        lf
    } else {
        lf.replace('\n', eol)
    }
}

/// Start of the line containing `pos`.
pub fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// End of the line containing `pos`, after its line break (or the end of the text).
pub fn line_end_incl(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// True when only spaces/tabs stand between the start of the line and `pos`.
pub fn only_ws_before(text: &str, pos: usize) -> bool {
    text[line_start(text, pos)..pos].chars().all(|c| c == ' ' || c == '\t')
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(text.len());
    let line = text[..pos].matches('\n').count() + 1;
    let ls = line_start(text, pos);
    (line, text[ls..pos].chars().count() + 1)
}

/// Skip whitespace and comments forward from `pos`; returns the offset of the next token.
pub fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let b = text.as_bytes();
    loop {
        while pos < b.len() && (b[pos] as char).is_whitespace() {
            pos += 1;
        }
        if text[pos..].starts_with("//") {
            pos = text[pos..].find('\n').map_or(b.len(), |i| pos + i);
        } else if text[pos..].starts_with("/*") {
            pos = text[pos + 2..].find("*/").map_or(b.len(), |i| pos + 2 + i + 2);
        } else {
            return pos;
        }
    }
}

/// Delete an element of a comma-separated list (object property, array element, import
/// specifier) whose source range is `start..end`, with its comma. When the element stands alone on
/// its lines, the whole lines go (with a trailing comment on its last line), so the remaining
/// lines keep their layout. `prev_end` is the end of the previous element (if any).
pub fn delete_list_element(text: &str, start: usize, end: usize, prev_end: Option<usize>) -> Edit {
    let after = skip_trivia_same_line(text, end);
    let has_comma = text[after..].starts_with(',');
    let after_comma = if has_comma { after + 1 } else { after };
    // Is the element alone on its lines?
    let rest_of_line_end = text[after_comma..].find('\n').map(|i| after_comma + i);
    let rest_blank_or_comment = rest_of_line_end.is_some_and(|le| {
        let rest = text[after_comma..le].trim();
        rest.is_empty() || rest.starts_with("//")
    });
    if only_ws_before(text, start) && rest_blank_or_comment {
        let s = line_start(text, start);
        let e = line_end_incl(text, after_comma);
        return Edit::delete(s, e);
    }
    if has_comma {
        // `a, X, b` -> `a, b`: drop X, its comma and the spaces after it.
        let mut e = after_comma;
        while e < text.len() && (text.as_bytes()[e] == b' ' || text.as_bytes()[e] == b'\t') {
            e += 1;
        }
        return Edit::delete(start, e);
    }
    if let Some(p) = prev_end {
        // last element without trailing comma: `a, X }` -> `a }`
        let between = &text[p..start];
        if let Some(ci) = between.find(',') {
            return Edit::delete(p + ci, end);
        }
    }
    Edit::delete(start, end)
}

fn skip_trivia_same_line(text: &str, mut pos: usize) -> usize {
    let b = text.as_bytes();
    loop {
        while pos < b.len() && (b[pos] == b' ' || b[pos] == b'\t') {
            pos += 1;
        }
        if text[pos..].starts_with("/*") {
            match text[pos + 2..].find("*/") {
                Some(i) if !text[pos..pos + 2 + i].contains('\n') => pos = pos + 2 + i + 2,
                _ => return pos,
            }
        } else {
            return pos;
        }
    }
}

/// Remove a whole statement that starts a line: from the start of its line to the end of its
/// last line, and a following blank line when a blank line also precedes it (so that two
/// blank lines do not collapse into none or pile up).
pub fn delete_statement_lines(text: &str, start: usize, end: usize) -> Edit {
    if !only_ws_before(text, start) {
        return Edit::delete(start, end);
    }
    let s = line_start(text, start);
    let after = end + text[end..].chars().take_while(|c| *c == ' ' || *c == '\t').count();
    let rest = text[after..].split('\n').next().unwrap_or("");
    if !(rest.trim().is_empty() || rest.trim_start().starts_with("//")) {
        return Edit::delete(start, end);
    }
    let mut e = line_end_incl(text, after);
    let blank_before = s == 0
        || text[..s].trim_end_matches([' ', '\t']).ends_with("\n\n")
        || text[..s].trim_end_matches([' ', '\t']).ends_with("\n\r\n")
        || s >= 1 && text[..s - 1].ends_with('\n');
    let next_line_end = line_end_incl(text, e.min(text.len()));
    let next_blank = e < text.len() && text[e..next_line_end].trim().is_empty();
    if next_blank && (blank_before || s == 0) {
        e = next_line_end;
    }
    Edit::delete(s, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn del(src: &str, needle: &str, prev: Option<&str>) -> String {
        let start = src.find(needle).unwrap();
        let prev_end = prev.map(|p| src.find(p).unwrap() + p.len());
        let e = delete_list_element(src, start, start + needle.len(), prev_end);
        apply(src, &[e], "\n")
    }

    #[test]
    fn deletes_property_on_its_own_line_with_trailing_comment() {
        let src = "{\n  a: 1,\n  b: x, // note\n  c: 2,\n}";
        assert_eq!(del(src, "b: x", Some("a: 1")), "{\n  a: 1,\n  c: 2,\n}");
    }

    #[test]
    fn deletes_inline_properties() {
        assert_eq!(del("{ a, b: x, c }", "b: x", Some("a")), "{ a, c }");
        assert_eq!(del("{ a, b: x }", "b: x", Some("a")), "{ a }");
        assert_eq!(del("{ b: x }", "b: x", None), "{  }");
    }

    #[test]
    fn deletes_last_property_without_trailing_comma() {
        let src = "{\n  a: 1,\n  b: x\n}";
        assert_eq!(del(src, "b: x", Some("a: 1")), "{\n  a: 1,\n}");
    }

    #[test]
    fn statement_lines() {
        let src = "\"use client\";\n\nimport a from \"a\";\n";
        let e = delete_statement_lines(src, 0, 13);
        assert_eq!(apply(src, &[e], "\n"), "import a from \"a\";\n");
        let src = "import a from \"a\";\nimport b from \"b\";\nx();\n";
        let s = src.find("import b").unwrap();
        let e = delete_statement_lines(src, s, s + 18);
        assert_eq!(apply(src, &[e], "\n"), "import a from \"a\";\nx();\n");
    }

    #[test]
    fn conflicts() {
        assert!(Edit::insert(3, "a").conflicts(&Edit::insert(3, "b")));
        assert!(!Edit::insert(3, "a").conflicts(&Edit::insert(3, "a")));
        assert!(Edit::delete(1, 5).conflicts(&Edit::delete(4, 6)));
        assert!(!Edit::delete(1, 5).conflicts(&Edit::delete(5, 6)));
        assert!(Edit::insert(3, "x").conflicts(&Edit::delete(1, 5)));
    }

    #[test]
    fn crlf_conversion() {
        assert_eq!(apply("a\r\nb", &[Edit::insert(3, "x\ny\n")], "\r\n"), "a\r\nx\r\ny\r\nb");
    }
}
