//! A file's style, so that new code fits in: quotes, semicolons, indentation, line endings.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    pub double_quotes: bool,
    pub semicolons: bool,
    pub indent: String,
    pub crlf: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style { double_quotes: true, semicolons: true, indent: "  ".into(), crlf: false }
    }
}

impl Style {
    /// Detect from the file's text. Quotes from import/require sources (the most telling),
    /// semicolons from statement-ending lines, indentation from the first indented line.
    pub fn detect(text: &str) -> Style {
        Self::detect_or(text, &Style::default())
    }

    /// Like [`Style::detect`], taking quotes, semicolons and indentation from `fallback` where the
    /// text shows no evidence (a file with no imports, say).
    pub fn detect_or(text: &str, fallback: &Style) -> Style {
        let mut d = fallback.clone();
        let (mut dq, mut sq) = (0, 0);
        let (mut semi, mut nosemi) = (0, 0);
        let mut indent: Option<String> = None;
        d.crlf = Self::is_crlf(text);
        for line in text.lines() {
            let t = line.trim_end();
            let trimmed = t.trim_start();
            if trimmed.starts_with("import ")
                || trimmed.starts_with("export ") && trimmed.contains(" from ")
                || trimmed.starts_with("\"use ")
                || trimmed.starts_with("'use ")
            {
                if let Some(q) = trimmed.chars().rev().find(|c| *c == '"' || *c == '\'') {
                    if q == '"' {
                        dq += 1
                    } else {
                        sq += 1
                    }
                }
                let module_line = trimmed.starts_with("import ") || trimmed.starts_with("export ");
                if module_line && (trimmed.ends_with('"') || trimmed.ends_with('\'')) {
                    nosemi += 1;
                }
                if module_line && (trimmed.ends_with("\";") || trimmed.ends_with("';")) {
                    semi += 1;
                }
            } else if trimmed.starts_with("return ") || trimmed.starts_with("const ") || trimmed.starts_with("let ") {
                if trimmed.ends_with(';') {
                    semi += 1
                } else if trimmed.ends_with(')')
                    || trimmed.ends_with('"')
                    || trimmed.ends_with('\'')
                    || trimmed.chars().last().is_some_and(|c| c.is_alphanumeric())
                {
                    nosemi += 1
                }
            }
            if indent.is_none() && !trimmed.is_empty() && !trimmed.starts_with('*') && t.len() > trimmed.len() {
                let ws = &t[..t.len() - trimmed.len()];
                if ws.starts_with('\t') {
                    indent = Some("\t".into());
                } else if ws.chars().all(|c| c == ' ') && (ws.len() == 2 || ws.len() == 4) {
                    indent = Some(ws.to_string());
                }
            }
        }
        if dq + sq > 0 {
            d.double_quotes = dq >= sq;
        }
        if semi + nosemi > 0 {
            d.semicolons = semi >= nosemi;
        }
        if let Some(i) = indent {
            d.indent = i;
        }
        d
    }

    /// Whether most of the text's lines end in CRLF (what [`Style::detect`] says of `crlf`).
    pub fn is_crlf(text: &str) -> bool {
        let crlf = memchr::memmem::find_iter(text.as_bytes(), b"\r\n").count();
        let lf = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        crlf > 0 && crlf * 2 >= lf
    }

    /// The line ending of the text: [`Style::detect`]`(text).eol()` without the rest.
    pub fn eol_of(text: &str) -> &'static str {
        if Self::is_crlf(text) {
            "\r\n"
        } else {
            "\n"
        }
    }

    pub fn eol(&self) -> &'static str {
        if self.crlf {
            "\r\n"
        } else {
            "\n"
        }
    }
    pub fn semi(&self) -> &'static str {
        if self.semicolons {
            ";"
        } else {
            ""
        }
    }
    /// A string literal in the file's quote style.
    pub fn quote(&self, s: &str) -> String {
        let q = if self.double_quotes { '"' } else { '\'' };
        let mut out = String::with_capacity(s.len() + 2);
        out.push(q);
        for c in s.chars() {
            if c == q || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push(q);
        out
    }
    /// Re-style code written by authfix (with `"`, `;` and two-space indentation) to this style.
    /// Only used on text authfix generates, never on the user's code.
    pub fn fit(&self, code: &str) -> String {
        let mut out = String::with_capacity(code.len());
        for (i, line) in code.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let trimmed = line.trim_start_matches(' ');
            let depth = (line.len() - trimmed.len()) / 2;
            for _ in 0..depth {
                out.push_str(&self.indent);
            }
            let mut l = trimmed.to_string();
            if !self.double_quotes {
                l = swap_quotes(&l);
            }
            if !self.semicolons && l.ends_with(';') && !l.starts_with("for ") {
                l.pop();
            }
            out.push_str(&l);
        }
        out
    }
}

/// Turn `"..."` string literals without quotes inside into `'...'`. Leaves JSX attribute strings
/// (`attr="x"`) alone, as prettier does.
fn swap_quotes(line: &str) -> String {
    let bytes: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '"' && !(i > 0 && bytes[i - 1] == '=') {
            if let Some(len) = bytes[i + 1..].iter().position(|&x| x == '"') {
                let inner: String = bytes[i + 1..i + 1 + len].iter().collect();
                if !inner.contains('\'') && !inner.contains('\\') {
                    out.push('\'');
                    out.push_str(&inner);
                    out.push('\'');
                    i += len + 2;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_ending_alone_agrees_with_the_full_detection() {
        for t in ["", "a", "a\n", "a\r\n", "a\r\nb\n", "a\r\nb\nc\n", "a\r\nb\r\nc\n", "\r", "\r\r\n\n"] {
            assert_eq!(Style::eol_of(t), Style::detect(t).eol(), "{t:?}");
        }
    }

    #[test]
    fn detects_single_quotes_no_semis_tabs_crlf() {
        let s = Style::detect("import a from 'a'\r\nconst x = 1\r\nfunction f() {\r\n\treturn 1\r\n}\r\n");
        assert!(!s.double_quotes);
        assert!(!s.semicolons);
        assert_eq!(s.indent, "\t");
        assert!(s.crlf);
    }

    #[test]
    fn export_from_lines_count_for_semicolons() {
        let s = Style::detect("export { default } from 'next-auth/middleware'\nexport const config = { matcher: ['/x'] }\n");
        assert!(!s.semicolons);
        assert!(!s.double_quotes);
    }

    #[test]
    fn fit_rewrites_generated_code() {
        let s = Style { double_quotes: false, semicolons: false, indent: "    ".into(), crlf: false };
        assert_eq!(s.fit("import x from \"y\";\nf(() => {\n  return <A b=\"c\" />;\n});"), "import x from 'y'\nf(() => {\n    return <A b=\"c\" />\n})");
    }
}
