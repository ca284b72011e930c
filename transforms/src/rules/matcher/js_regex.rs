//! JavaScript regular expressions as Next runs matchers (`new RegExp(source)`, no flags: Annex B
//! syntax, case-sensitive, one UTF-16 unit per character), evaluated by fancy-regex with a
//! backtrack limit.
//!
//! The source is parsed by the JavaScript grammar here and rewritten into the fancy-regex syntax
//! that means the same thing, element by element, so the two syntaxes never meet: every literal
//! becomes `\x{…}`, `.` `\d` `\w` `\s` `\b` become their JavaScript definitions (ASCII word
//! characters, JavaScript's white space and line terminators), every group becomes non-capturing
//! (there are no backreferences to keep). What JavaScript rejects (`a**`, `a{2,1}`, `[z-a]`,
//! `(?i)`, an unterminated group…) and what this module does not model (backreferences,
//! `\k`, legacy octal escapes, a quantified lookahead, characters outside the BMP, nesting deeper
//! than [`MAX_DEPTH`]) are refused ([`NotCompiled::Unsupported`]), so a rule stays silent
//! rather than guess; a pattern larger than the size limits is [`NotCompiled::TooLarge`], which
//! M001 reports as unknown.
use fancy_regex::RegexBuilder;
use std::fmt::Write;

/// Backtracking steps fancy-regex may take in one match (see the module doc of
/// [`super`] for how this bounds a file's cost).
pub const BACKTRACK_LIMIT: usize = 10_000;
/// Size limits for the parts fancy-regex hands to the `regex` crate (bytes of compiled program
/// and of lazy-DFA cache): far above any real matcher, low enough that a hostile counted
/// repetition (`(?:[^/]{1,60}){1,60}`) fails to compile within a millisecond or so instead of
/// building a huge automaton.
const DELEGATE_SIZE_LIMIT: usize = 256 << 10;
/// Deepest group nesting translated (fancy-regex's parser and this one recurse).
pub const MAX_DEPTH: usize = 64;

const WORD: &str = "0-9A-Za-z_";
/// `WhiteSpace` and `LineTerminator` (ECMA-262 `\s`).
const SPACE: &str = r"\x{9}\x{b}\x{c}\x{20}\x{a0}\x{feff}\x{1680}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}\x{a}\x{d}\x{2028}\x{2029}";
const DOT: &str = r"[^\x{a}\x{d}\x{2028}\x{2029}]";
const ANY: &str = r"[\x{0}-\x{10ffff}]";
const NOTHING: &str = r"[^\x{0}-\x{10ffff}]";

/// A compiled JavaScript regex.
#[derive(Debug)]
pub struct JsRegex(fancy_regex::Regex);

/// Why a source was not compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCompiled {
    /// JavaScript rejects it, or this module does not model it.
    Unsupported,
    /// It would compile to more than the size limits allow (a huge counted repetition).
    TooLarge,
}

impl JsRegex {
    pub fn new(source: &str) -> Result<JsRegex, NotCompiled> {
        let translated = translate(source).ok_or(NotCompiled::Unsupported)?;
        let built = RegexBuilder::new(&translated)
            .backtrack_limit(BACKTRACK_LIMIT)
            .delegate_size_limit(DELEGATE_SIZE_LIMIT)
            .delegate_dfa_size_limit(DELEGATE_SIZE_LIMIT)
            .build();
        match built {
            Ok(re) => Ok(JsRegex(re)),
            Err(fancy_regex::Error::CompileError(e)) => match *e {
                fancy_regex::CompileError::InnerError(inner) if inner.size_limit().is_some() => Err(NotCompiled::TooLarge),
                fancy_regex::CompileError::PatternTooComplex => Err(NotCompiled::TooLarge),
                _ => Err(NotCompiled::Unsupported),
            },
            Err(_) => Err(NotCompiled::Unsupported),
        }
    }

    /// `RegExp.prototype.test`: whether the regex matches somewhere in `input`. `None` when the
    /// backtrack limit is reached first, or for an input with characters outside the BMP (two
    /// UTF-16 units to JavaScript, one character here).
    pub fn test(&self, input: &str) -> Option<bool> {
        if input.chars().any(|c| c > '\u{ffff}') {
            return None;
        }
        self.0.is_match(input).ok()
    }
}

/// The fancy-regex pattern meaning what `source` means to JavaScript; `None` for what
/// JavaScript rejects or this module does not model.
pub fn translate(source: &str) -> Option<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut t = Tr { s: &chars, i: 0, out: String::with_capacity(source.len() * 4), names: Vec::new() };
    t.disjunction(0)?;
    // Anything left is an unmatched `)`.
    (t.i == chars.len()).then_some(t.out)
}

fn lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:x}}}", c as u32);
    }
}

fn bmp(c: char) -> Option<char> {
    (c <= '\u{ffff}').then_some(c)
}

/// A class escape (`\d`…) as the inside of a class, and whether it is negated.
fn class_set(e: char) -> Option<(&'static str, bool)> {
    Some(match e {
        'd' => ("0-9", false),
        'D' => ("0-9", true),
        'w' => (WORD, false),
        'W' => (WORD, true),
        's' => (SPACE, false),
        'S' => (SPACE, true),
        _ => return None,
    })
}

fn control(e: char) -> Option<char> {
    Some(match e {
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        _ => return None,
    })
}

enum Braced {
    /// Not a quantifier: the `{` is a literal (Annex B).
    No,
    Yes(String, usize),
    /// A quantifier JavaScript rejects (`{2,1}`) or too large to model.
    Bad,
}

#[derive(Clone, Copy)]
enum ClassAtom {
    Char(char),
    Set(&'static str, bool),
}

struct Tr<'a> {
    s: &'a [char],
    i: usize,
    out: String,
    names: Vec<String>,
}

impl Tr<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, prefix: &str) -> bool {
        let n = prefix.chars().count();
        if self.s.len() >= self.i + n && prefix.chars().zip(&self.s[self.i..]).all(|(a, b)| a == *b) {
            self.i += n;
            true
        } else {
            false
        }
    }

    fn disjunction(&mut self, depth: usize) -> Option<()> {
        loop {
            while let Some(c) = self.peek() {
                if c == '|' || c == ')' {
                    break;
                }
                self.term(depth)?;
            }
            if self.peek() != Some('|') {
                return Some(());
            }
            self.i += 1;
            self.out.push('|');
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at `at`.
    fn braced(&self, at: usize) -> Braced {
        let s = self.s;
        let digits = |mut j: usize| {
            let start = j;
            while j < s.len() && s[j].is_ascii_digit() {
                j += 1;
            }
            let n: String = s[start..j].iter().collect();
            (j, (j > start).then(|| n.parse::<u32>().ok()))
        };
        if s.get(at) != Some(&'{') {
            return Braced::No;
        }
        let (j, min) = digits(at + 1);
        let Some(min) = min else { return Braced::No };
        let (j, max) = if s.get(j) == Some(&',') {
            let (k, max) = digits(j + 1);
            (k, Some(max))
        } else {
            (j, None)
        };
        if s.get(j) != Some(&'}') {
            return Braced::No;
        }
        let (Some(min), max) = (min, max) else { return Braced::Bad };
        let q = match max {
            None => format!("{{{min}}}"),
            Some(None) => format!("{{{min},}}"),
            Some(Some(Some(max))) if max >= min => format!("{{{min},{max}}}"),
            Some(_) => return Braced::Bad,
        };
        Braced::Yes(q, j + 1)
    }

    /// A quantifier at the cursor: `Some(None)` when there is none, `None` when it is invalid.
    fn quantifier(&mut self) -> Option<Option<String>> {
        let mut q = match self.peek() {
            Some(c @ ('*' | '+' | '?')) => {
                self.i += 1;
                c.to_string()
            }
            Some('{') => match self.braced(self.i) {
                Braced::No => return Some(None),
                Braced::Bad => return None,
                Braced::Yes(q, end) => {
                    self.i = end;
                    q
                }
            },
            _ => return Some(None),
        };
        if self.peek() == Some('?') {
            self.i += 1;
            q.push('?');
        }
        // A quantifier after a quantifier: "nothing to repeat".
        if matches!(self.peek(), Some('*' | '+' | '?')) || matches!(self.braced(self.i), Braced::Yes(..) | Braced::Bad) {
            return None;
        }
        Some(Some(q))
    }

    fn term(&mut self, depth: usize) -> Option<()> {
        let start = self.out.len();
        let c = self.bump()?;
        let quantifiable = match c {
            '^' | '$' => {
                self.out.push(c);
                false
            }
            '\\' if matches!(self.peek(), Some('b' | 'B')) => {
                // ASCII word boundaries, as JavaScript has them without the `u` flag.
                let w = format!("[{WORD}]");
                if self.bump() == Some('b') {
                    let _ = write!(self.out, "(?:(?<={w})(?!{w})|(?<!{w})(?={w}))");
                } else {
                    let _ = write!(self.out, "(?:(?<={w})(?={w})|(?<!{w})(?!{w}))");
                }
                false
            }
            '(' => self.group(depth + 1)?,
            '[' => {
                self.class()?;
                true
            }
            '.' => {
                self.out.push_str(DOT);
                true
            }
            '\\' => {
                self.atom_escape()?;
                true
            }
            '*' | '+' | '?' => return None,
            '{' => {
                if !matches!(self.braced(self.i - 1), Braced::No) {
                    return None; // a quantifier with nothing to repeat
                }
                lit(&mut self.out, '{');
                true
            }
            c => {
                lit(&mut self.out, bmp(c)?);
                true
            }
        };
        if let Some(q) = self.quantifier()? {
            if !quantifiable {
                return None;
            }
            self.out.insert_str(start, "(?:");
            self.out.push(')');
            self.out.push_str(&q);
        }
        Some(())
    }

    /// After `(`; returns whether the group may be quantified.
    fn group(&mut self, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        let quantifiable = if self.eat("?:") {
            self.out.push_str("(?:");
            true
        } else if self.eat("?=") {
            self.out.push_str("(?=");
            false // Annex B allows `(?=a)*`; not modelled
        } else if self.eat("?!") {
            self.out.push_str("(?!");
            false
        } else if self.eat("?<=") {
            self.out.push_str("(?<=");
            false
        } else if self.eat("?<!") {
            self.out.push_str("(?<!");
            false
        } else if self.eat("?<") {
            let mut name = String::new();
            let mut closed = false;
            while let Some(c) = self.bump() {
                if c == '>' {
                    closed = true;
                    break;
                }
                name.push(c);
            }
            let mut cs = name.chars();
            let valid = closed
                && cs.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
            if !valid || self.names.contains(&name) {
                return None;
            }
            self.names.push(name);
            self.out.push_str("(?:");
            true
        } else if self.peek() == Some('?') {
            return None;
        } else {
            self.out.push_str("(?:");
            true
        };
        self.disjunction(depth)?;
        if self.bump()? != ')' {
            return None;
        }
        self.out.push(')');
        Some(quantifiable)
    }

    /// The value of `\x41`, `\u0041`; `None` when the digits are not there (then JavaScript
    /// reads the letter itself).
    fn hex(&mut self, n: usize) -> Option<u32> {
        let digits = self.s.get(self.i..self.i + n)?;
        if !digits.iter().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.i += n;
        u32::from_str_radix(&digits.iter().collect::<String>(), 16).ok()
    }

    /// The escapes both contexts share; `Err(())` for one that is not modelled.
    fn char_escape(&mut self, e: char, in_class: bool) -> Result<char, ()> {
        if let Some(c) = control(e) {
            return Ok(c);
        }
        match e {
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphabetic() || (in_class && (l.is_ascii_digit() || l == '_')) => {
                    self.i += 1;
                    Ok(char::from(l as u8 % 32))
                }
                _ => Err(()),
            },
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => Ok('\0'),
            '0'..='9' | 'k' => Err(()),
            'x' => Ok(self.hex(2).and_then(char::from_u32).unwrap_or('x')),
            'u' => match self.hex(4) {
                // A lone surrogate: a UTF-16 unit no Rust string holds.
                Some(v) => char::from_u32(v).ok_or(()),
                None => Ok('u'),
            },
            e => bmp(e).ok_or(()),
        }
    }

    fn atom_escape(&mut self) -> Option<()> {
        let e = self.bump()?; // `\` at the end is a syntax error
        if let Some((set, neg)) = class_set(e) {
            let _ = write!(self.out, "[{}{set}]", if neg { "^" } else { "" });
            return Some(());
        }
        let c = self.char_escape(e, false).ok()?;
        lit(&mut self.out, c);
        Some(())
    }

    fn class_atom(&mut self, c: char) -> Option<ClassAtom> {
        if c != '\\' {
            return bmp(c).map(ClassAtom::Char);
        }
        let e = self.bump()?;
        if let Some((set, neg)) = class_set(e) {
            return Some(ClassAtom::Set(set, neg));
        }
        Some(ClassAtom::Char(match e {
            'b' => '\u{8}',
            '-' => '-',
            e => self.char_escape(e, true).ok()?,
        }))
    }

    /// After `[`.
    fn class(&mut self) -> Option<()> {
        let negated = self.eat("^");
        let mut items: Vec<(ClassAtom, Option<char>)> = Vec::new();
        loop {
            let c = self.bump()?; // unterminated class
            if c == ']' {
                break;
            }
            let a = self.class_atom(c)?;
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']') {
                self.i += 1;
                let n = self.bump()?;
                let b = self.class_atom(n)?;
                match (a, b) {
                    (ClassAtom::Char(x), ClassAtom::Char(y)) => {
                        if x > y {
                            return None; // range out of order
                        }
                        items.push((a, Some(y)));
                    }
                    // Annex B: a class escape at either end makes the `-` literal.
                    _ => {
                        items.push((a, None));
                        items.push((ClassAtom::Char('-'), None));
                        items.push((b, None));
                    }
                }
            } else {
                items.push((a, None));
            }
        }
        if items.is_empty() {
            self.out.push_str(if negated { ANY } else { NOTHING });
            return Some(());
        }
        self.out.push('[');
        if negated {
            self.out.push('^');
        }
        for (a, hi) in items {
            match a {
                ClassAtom::Char(x) => {
                    lit(&mut self.out, x);
                    if let Some(y) = hi {
                        self.out.push('-');
                        lit(&mut self.out, y);
                    }
                }
                ClassAtom::Set(set, false) => self.out.push_str(set),
                ClassAtom::Set(set, true) => {
                    let _ = write!(self.out, "[^{set}]");
                }
            }
        }
        self.out.push(']');
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(re: &str, input: &str) -> bool {
        JsRegex::new(re).unwrap_or_else(|e| panic!("{re}: {e:?}")).test(input).unwrap()
    }

    #[test]
    fn javascript_meanings() {
        assert!(t(r"^\/a\/b$", "/a/b"));
        assert!(!t("^a$", "A"), "case-sensitive, as Next runs matchers");
        assert!(t(r"^[\/#\?]$", "#"));
        assert!(!t("^.$", "\r"));
        assert!(t(r"^\s$", "\u{feff}"));
        assert!(!t(r"^\w$", "é"));
        assert!(t(r"^a{,2}$", "a{,2}"), "not a quantifier: literal braces");
        assert!(t(r"^u\u{2}$", "uuu"), "without the u flag `\\u{{2}}` is `u` twice");
        assert!(t(r"^\p{L}$", "p{L}"));
        assert!(!t(r"^[]]$", "]") && t(r"^[^]$", "\n"));
        assert!(t(r"^[\d-z]$", "-") && t(r"^[\d-z]$", "5") && !t(r"^[\d-z]$", "a"));
        assert!(t(r"^\bfoo\b", "foo/") && !t(r"^\bfoo\b", "foox"));
        assert!(t(r"^[\b]$", "\u{8}"));
        assert!(t(r"^\cA$", "\u{1}") && t(r"^\0$", "\0"));
        assert!(t(r"^(?<n>a)(?:b)(?=c)c(?!d)$", "abc"));
        assert!(t(r"(?<=a)b", "ab") && !t(r"(?<!a)b", "ab"));
    }

    #[test]
    fn what_javascript_rejects_is_none() {
        for re in ["a**", "a{2,1}", "[z-a]", "(?i)a", "(a", "a)", "[a", "\\", "*", "{2}", "a{1}{2}", "^*", "\\b+", "(?<n>a)(?<n>b)", "(?<1>a)"] {
            assert!(translate(re).is_none(), "{re}");
        }
    }

    #[test]
    fn what_is_not_modelled_is_none() {
        for re in ["(a)\\1", "\\k<n>", "\\01", "[\\1]", "(?=a)*", "😀", "\\uD83D", "\\c1", "[\\c-]"] {
            assert!(translate(re).is_none(), "{re}");
        }
        let deep = format!("{}a{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        assert!(translate(&deep).is_none());
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(translate(&ok).is_some());
    }

    #[test]
    fn huge_repetitions_are_too_large() {
        assert_eq!(JsRegex::new("^(?!(?:[^/]{1,60}){1,60})").err(), Some(NotCompiled::TooLarge));
        assert_eq!(JsRegex::new("a**").err(), Some(NotCompiled::Unsupported));
    }

    #[test]
    fn the_limit_gives_unknown() {
        let re = JsRegex::new(r"^(?:\/((?:(?!zz)[^z]|.)*zz))$").unwrap();
        assert_eq!(re.test("/_next/static/chunks/main.js"), None);
        assert_eq!(re.test("/zz"), Some(true));
    }
}
