//! A middleware `matcher` source turned into the regular expression Next tests pathnames with:
//! path-to-regexp 6.3 (`lexer`, `parse`, `tokensToRegexp` in `next/dist/compiled/path-to-regexp`)
//! called as `tryToParsePath` calls it (`next/dist/lib/try-to-parse-path.js`: default options,
//! and on a "Can not repeat" error the retry with a `/` prefix of `normalizeTokensForRegexp`), and
//! the wrapping `getMiddlewareMatchers` adds (`next/dist/build/analysis/get-page-static-info.js`).
//! The output is the regex *source* as V8's `RegExp.prototype.source` prints it (`/` and line
//! terminators escaped), so it can be compared byte for byte with what Next stores; whether it is
//! a valid JavaScript regex is for [`super::js_regex`] to say.
//!
//! Hand-written: the Rust ports (`path2regex` 0.0.4, `path_to_regexp` 0.1.2) build a Rust regex
//! themselves (`path2regex` with the `regex` crate, which has no lookahead for Next's
//! `(?!api|…)` matchers; `path_to_regexp` on fancy-regex 0.1) instead of giving the JavaScript
//! source, and neither has 6.3's `safePattern`, Next's normalizer or V8's escaping.
//! `tests/path_to_regexp/vectors.json`, recorded from next@16.4.6 by
//! `tests/path_to_regexp/record.mjs`, checks the output byte for byte.

/// Why path-to-regexp (or Next around it) rejects a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A lexer or parser error (`TypeError` in path-to-regexp).
    Syntax(&'static str),
    /// Longer than the 4096 characters (UTF-16 units) Next accepts (`SourceSchema`).
    TooLong,
    /// Does not start with `/` (`SourceSchema`).
    NoLeadingSlash,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lex {
    Modifier(char),
    /// `\` and the character after it; `None` for a `\` at the very end (path-to-regexp reads
    /// `undefined` there, and its parser then drops the token).
    Escaped(Option<char>),
    Open,
    Close,
    Name,
    Pattern(String),
    Char(char),
    End,
}

fn lexer(s: &[char]) -> Result<Vec<Lex>, Error> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        match c {
            '*' | '+' | '?' => {
                out.push(Lex::Modifier(c));
                i += 1;
            }
            '\\' => {
                out.push(Lex::Escaped(s.get(i + 1).copied()));
                i += 2;
            }
            '{' => {
                out.push(Lex::Open);
                i += 1;
            }
            '}' => {
                out.push(Lex::Close);
                i += 1;
            }
            ':' => {
                let mut j = i + 1;
                while j < s.len() && (s[j].is_ascii_alphanumeric() || s[j] == '_') {
                    j += 1;
                }
                if j == i + 1 {
                    return Err(Error::Syntax("missing parameter name"));
                }
                out.push(Lex::Name);
                i = j;
            }
            '(' => {
                let mut count = 1;
                let mut pattern = String::new();
                let mut j = i + 1;
                if s.get(j) == Some(&'?') {
                    return Err(Error::Syntax("pattern cannot start with \"?\""));
                }
                while j < s.len() {
                    if s[j] == '\\' {
                        // JS appends `undefined` past the end; the group is then unbalanced anyway.
                        pattern.push('\\');
                        pattern.extend(s.get(j + 1));
                        j += 2;
                        continue;
                    }
                    if s[j] == ')' {
                        count -= 1;
                        if count == 0 {
                            j += 1;
                            break;
                        }
                    } else if s[j] == '(' {
                        count += 1;
                        if s.get(j + 1) != Some(&'?') {
                            return Err(Error::Syntax("capturing groups are not allowed"));
                        }
                    }
                    pattern.push(s[j]);
                    j += 1;
                }
                if count != 0 {
                    return Err(Error::Syntax("unbalanced pattern"));
                }
                if pattern.is_empty() {
                    return Err(Error::Syntax("missing pattern"));
                }
                out.push(Lex::Pattern(pattern));
                i = j;
            }
            _ => {
                out.push(Lex::Char(c));
                i += 1;
            }
        }
    }
    out.push(Lex::End);
    Ok(out)
}

/// A path-to-regexp token: literal text, or a parameter (named, `(pattern)` or `{…}` group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Text(String),
    Param { prefix: String, suffix: String, pattern: String, modifier: Option<char> },
}

const DELIMITER: &str = "/#?";
const PREFIXES: &str = "./";

/// path-to-regexp's `escapeString`.
fn escape_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if ".+*?=^!:${}()[]|/\\".contains(c) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// `parse` with Next's (default) options: prefixes `./`, delimiter `/#?`.
pub fn parse(source: &str) -> Result<Vec<Token>, Error> {
    let chars: Vec<char> = source.chars().collect();
    let toks = lexer(&chars)?;
    let mut out: Vec<Token> = Vec::new();
    let mut u = 0;
    let mut path = String::new();
    let default_pattern = format!("[^{}]+?", escape_string(DELIMITER));

    // `safePattern`: the default parameter pattern, which must not run into the text before it.
    let safe_pattern = |out: &[Token], prefix: &str| -> Result<String, Error> {
        let prev = out.last();
        let r = if !prefix.is_empty() {
            prefix.to_string()
        } else {
            match prev {
                Some(Token::Text(t)) => t.clone(),
                _ => String::new(),
            }
        };
        if prev.is_some() && r.is_empty() {
            return Err(Error::Syntax("must have text between two parameters"));
        }
        if r.is_empty() || r.chars().any(|c| DELIMITER.contains(c)) {
            return Ok(default_pattern.clone());
        }
        Ok(format!("(?:(?!{}){})+?", escape_string(&r), &default_pattern[..default_pattern.len() - 2]))
    };

    let try_char = |u: &mut usize| match toks.get(*u) {
        Some(Lex::Char(c)) => {
            *u += 1;
            Some(*c)
        }
        _ => None,
    };
    let try_name = |u: &mut usize| {
        if toks.get(*u) == Some(&Lex::Name) {
            *u += 1;
            true
        } else {
            false
        }
    };
    let try_pattern = |u: &mut usize| match toks.get(*u) {
        Some(Lex::Pattern(p)) => {
            *u += 1;
            Some(p.clone())
        }
        _ => None,
    };
    let try_modifier = |u: &mut usize| match toks.get(*u) {
        Some(Lex::Modifier(m)) => {
            *u += 1;
            Some(*m)
        }
        _ => None,
    };
    // `tryConsume("ESCAPED_CHAR")`: consumes the token even when its value is `undefined`.
    let try_escaped = |u: &mut usize| match toks.get(*u) {
        Some(Lex::Escaped(c)) => {
            *u += 1;
            Some(*c)
        }
        _ => None,
    };
    // `consumeText`: CHAR and ESCAPED_CHAR tokens, up to the first `undefined` one (consumed).
    let consume_text = |u: &mut usize| {
        let mut t = String::new();
        loop {
            if let Some(c) = try_char(u) {
                t.push(c);
                continue;
            }
            match try_escaped(u) {
                Some(Some(c)) => t.push(c),
                _ => break,
            }
        }
        t
    };

    while u < toks.len() {
        let ch = try_char(&mut u);
        let named = try_name(&mut u);
        let pattern = try_pattern(&mut u);
        if named || pattern.is_some() {
            let mut prefix = ch.map(String::from).unwrap_or_default();
            if !prefix.is_empty() && !PREFIXES.contains(prefix.as_str()) {
                path.push_str(&prefix);
                prefix.clear();
            }
            if !path.is_empty() {
                out.push(Token::Text(std::mem::take(&mut path)));
            }
            let pattern = match pattern {
                Some(p) => p,
                None => safe_pattern(&out, &prefix)?,
            };
            out.push(Token::Param { prefix, suffix: String::new(), pattern, modifier: try_modifier(&mut u) });
            continue;
        }
        let text = match ch {
            Some(c) => Some(c),
            None => try_escaped(&mut u).flatten(),
        };
        if let Some(c) = text {
            path.push(c);
            continue;
        }
        if !path.is_empty() {
            out.push(Token::Text(std::mem::take(&mut path)));
        }
        if toks.get(u) == Some(&Lex::Open) {
            u += 1;
            let prefix = consume_text(&mut u);
            let named = try_name(&mut u);
            let pattern = try_pattern(&mut u).unwrap_or_default();
            let suffix = consume_text(&mut u);
            if toks.get(u) != Some(&Lex::Close) {
                return Err(Error::Syntax("unexpected token, expected CLOSE"));
            }
            u += 1;
            let pattern = if named && pattern.is_empty() { safe_pattern(&out, &prefix)? } else { pattern };
            out.push(Token::Param { prefix, suffix, pattern, modifier: try_modifier(&mut u) });
            continue;
        }
        if toks.get(u) != Some(&Lex::End) {
            return Err(Error::Syntax("unexpected token, expected END"));
        }
        u += 1;
    }
    Ok(out)
}

/// `tokensToRegexp` with the default options (`strict: false`, `start`/`end: true`, delimiter
/// `/#?`, no `endsWith`), as its regex source. `Err` for a repeated parameter with neither prefix
/// nor suffix.
pub fn tokens_to_regexp(tokens: &[Token]) -> Result<String, Error> {
    let mut route = String::from("^");
    for t in tokens {
        match t {
            Token::Text(s) => route.push_str(&escape_string(s)),
            Token::Param { prefix, suffix, pattern, modifier } => {
                let pre = escape_string(prefix);
                let suf = escape_string(suffix);
                let m = modifier.map(String::from).unwrap_or_default();
                let repeat = matches!(modifier, Some('*' | '+'));
                if pattern.is_empty() {
                    route.push_str(&format!("(?:{pre}{suf}){m}"));
                } else if !pre.is_empty() || !suf.is_empty() {
                    if repeat {
                        let opt = if *modifier == Some('*') { "?" } else { "" };
                        route.push_str(&format!("(?:{pre}((?:{pattern})(?:{suf}{pre}(?:{pattern}))*){suf}){opt}"));
                    } else {
                        route.push_str(&format!("(?:{pre}({pattern}){suf}){m}"));
                    }
                } else if repeat {
                    return Err(Error::Syntax("can not repeat a parameter without a prefix and suffix"));
                } else {
                    route.push_str(&format!("({pattern}){m}"));
                }
            }
        }
    }
    route.push_str(&format!("[{}]?$", escape_string(DELIMITER)));
    Ok(route)
}

/// V8's `EscapeRegExpSource`, what `RegExp.prototype.source` returns: `/` outside a character
/// class becomes `\/`, line terminators become escapes (a `\` before one is dropped).
fn regexp_source(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    let mut in_class = false;
    let mut chars = s.chars().peekable();
    let terminator = |c: char| match c {
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\u{2028}' => Some("\\u2028"),
        '\u{2029}' => Some("\\u2029"),
        _ => None,
    };
    while let Some(c) = chars.next() {
        if let Some(e) = terminator(c) {
            o.push_str(e);
            continue;
        }
        match c {
            '\\' => match chars.peek().copied() {
                Some(n) if terminator(n).is_some() => {}
                Some(n) => {
                    o.push('\\');
                    o.push(n);
                    chars.next();
                }
                None => o.push('\\'),
            },
            '/' if !in_class => o.push_str("\\/"),
            '[' => {
                in_class = true;
                o.push(c);
            }
            ']' => {
                in_class = false;
                o.push(c);
            }
            _ => o.push(c),
        }
    }
    o
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `tryToParsePath(source).regexStr`: the regex source Next compiles for a route source. The
/// result is not checked as a JavaScript regex (Next's `new RegExp` would throw on a bad one).
pub fn try_to_parse_path(source: &str) -> Result<String, Error> {
    let tokens = parse(source)?;
    let re = match tokens_to_regexp(&tokens) {
        Ok(re) => re,
        Err(_) => {
            // `normalizeTokensForRegexp` (next/dist/lib/route-pattern-normalizer.js).
            let fixed: Vec<Token> = tokens
                .into_iter()
                .map(|t| match t {
                    Token::Param { prefix, suffix, pattern, modifier: Some(m @ ('*' | '+')) } if prefix.is_empty() && suffix.is_empty() => {
                        Token::Param { prefix: "/".into(), suffix, pattern, modifier: Some(m) }
                    }
                    t => t,
                })
                .collect();
            tokens_to_regexp(&fixed)?
        }
    };
    Ok(regexp_source(&re))
}

/// Next's `SourceSchema`: a leading `/`, at most 4096 UTF-16 units, and a source path-to-regexp
/// takes.
fn source_schema(source: &str) -> Result<String, Error> {
    if utf16_len(source) > 4096 {
        return Err(Error::TooLong);
    }
    if !source.starts_with('/') {
        return Err(Error::NoLeadingSlash);
    }
    try_to_parse_path(source)
}

const OPTIONAL_NEXT_DATA_PREFIX: &str = "/:nextData(_next/data/[^/]{1,})?";
/// `MIDDLEWARE_DATA_SUFFIX_MATCHER` and `ROOT_APP_ROUTE_TRANSPORT_MATCHER`, built from
/// `RSC_SUFFIX` (`.rsc`), `RSC_SEGMENTS_DIR_SUFFIX` (`.segments`), `RSC_SEGMENT_SUFFIX`
/// (`.segment.rsc`) escaped by Next's `escapeStringRegexp`.
const TRANSPORT_SUFFIX: &str = "\\.rsc|\\.segments/.+\\.segment\\.rsc";

/// The `regexp` `getMiddlewareMatchers` stores for one matcher source, for a project without
/// `i18n` and `basePath` in next.config (which authfix does not read): the source must pass
/// Next's schema, and so must the source wrapped in the optional `/_next/data/<build id>` prefix
/// and the `.json`/`.rsc` suffixes (Next exits the build otherwise).
pub fn middleware_regexp(source: &str) -> Result<String, Error> {
    source_schema(source)?;
    let wrapped = if source == "/" {
        format!("{OPTIONAL_NEXT_DATA_PREFIX}{source}(/?index|/?index\\.json|/?index(?:{TRANSPORT_SUFFIX}))?")
    } else {
        format!("{OPTIONAL_NEXT_DATA_PREFIX}{source}{{(\\.json|{TRANSPORT_SUFFIX})}}?")
    };
    source_schema(&wrapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_matcher() {
        let s = "/((?!api/auth|_next/static|_next/image|favicon.ico).*)";
        assert_eq!(try_to_parse_path(s).unwrap(), r"^(?:\/((?!api\/auth|_next\/static|_next\/image|favicon.ico).*))[\/#\?]?$");
        assert_eq!(
            middleware_regexp(s).unwrap(),
            r"^(?:\/(_next\/data\/[^/]{1,}))?(?:\/((?!api\/auth|_next\/static|_next\/image|favicon.ico).*))(\.json|\.rsc|\.segments\/.+\.segment\.rsc)?[\/#\?]?$"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(parse("/:a:b"), Err(Error::Syntax("must have text between two parameters")));
        assert!(parse("/(a(b))").is_err());
        assert!(parse("/a?b").is_err());
        assert_eq!(middleware_regexp("dashboard"), Err(Error::NoLeadingSlash));
        // 4,050 characters pass alone, not with Next's prefix and suffix.
        let long = format!("/{}", "a".repeat(4050));
        assert!(try_to_parse_path(&long).is_ok());
        assert_eq!(middleware_regexp(&long), Err(Error::TooLong));
        // A trailing `\` is dropped by path-to-regexp, but in Next's wrapper it escapes the `{`.
        assert_eq!(try_to_parse_path("/a\\").unwrap(), r"^\/a[\/#\?]?$");
        assert!(middleware_regexp("/a\\").is_err());
    }

    /// The vectors recorded from next@16.4.6 and V8 by `tests/path_to_regexp/record.mjs`.
    #[derive(serde::Deserialize)]
    struct Vectors {
        next_version: String,
        probes: Vec<String>,
        short_probes: Vec<String>,
        cases: Vec<Case>,
        slow: Vec<Case>,
    }

    #[derive(serde::Deserialize)]
    struct Case {
        source: String,
        regex: Option<String>,
        next_regex: Option<String>,
        matches: Option<Vec<String>>,
        next_matches: Option<Vec<String>>,
    }

    /// Sources Next accepts whose regex authfix does not model (`None`: the rules stay silent).
    const UNMODELLED: &[&str] = &[
        "/(\\1)",           // a backreference
        "/((?<n>a)\\k<n>)", // a named backreference
        "/((?=a)*)",        // quantified lookaheads (Annex B)
        "/((?!a)+)",
        "/(\\8)",  // `\8`: a backreference or, here, an identity escape
        "/(\\c1)", // `\c` + digit outside a class: a literal backslash (Annex B)
        "/(😀)",   // outside the BMP: two UTF-16 units to JavaScript
        "/([😀])",
        "/(\\uD83D)", // a lone surrogate
    ];

    fn check_regex(what: &str, source: &str, recorded: &Option<String>, ours: Result<String, Error>) -> Option<crate::rules::matcher::js_regex::JsRegex> {
        use crate::rules::matcher::js_regex::JsRegex;
        match (recorded, ours) {
            (Some(r), Ok(o)) => {
                assert_eq!(&o, r, "{what} of {source:?}");
                let re = JsRegex::new(&o).ok();
                assert_eq!(re.is_none(), UNMODELLED.contains(&source), "{what} of {source:?}: translated {:?}", super::super::js_regex::translate(&o));
                re
            }
            (Some(r), Err(e)) => panic!("{what} of {source:?}: Next gives {r:?}, authfix {e:?}"),
            // Next rejects it: so must authfix, here or when it reads the regex.
            (None, Ok(o)) => {
                assert!(JsRegex::new(&o).is_err(), "{what} of {source:?}: Next rejects it, authfix reads {o:?}");
                None
            }
            (None, Err(_)) => None,
        }
    }

    fn check_answers(what: &str, source: &str, re: &crate::rules::matcher::js_regex::JsRegex, probes: &[String], matched: &Option<Vec<String>>) -> usize {
        let matched = matched.as_ref().unwrap_or_else(|| panic!("{what} of {source:?}: no recorded answers"));
        for p in probes {
            assert_eq!(re.test(p), Some(matched.contains(p)), "{what} of {source:?} on {p:?}");
        }
        probes.len()
    }

    #[test]
    fn recorded_vectors() {
        let v: Vectors = serde_json::from_str(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/path_to_regexp/vectors.json"))).unwrap();
        assert_eq!(v.next_version, "16.4.6");
        assert!(v.cases.len() >= 40);
        let (mut sources, mut answers) = (0, 0);
        for (cases, probes) in [(&v.cases, &v.probes), (&v.slow, &v.short_probes)] {
            for c in cases {
                let plain = check_regex("regex", &c.source, &c.regex, try_to_parse_path(&c.source));
                let next = check_regex("next_regex", &c.source, &c.next_regex, middleware_regexp(&c.source));
                if let Some(re) = &plain {
                    answers += check_answers("regex", &c.source, re, probes, &c.matches);
                }
                if let Some(re) = &next {
                    answers += check_answers("next_regex", &c.source, re, probes, &c.next_matches);
                    // What M001 calls: the same answers.
                    let m = crate::rules::matcher::Matcher::new(&c.source).unwrap();
                    for p in probes {
                        assert_eq!(m.test(p), re.test(p));
                    }
                }
                sources += 1;
            }
        }
        // Every source and probe above was checked (a guard against an empty file passing).
        assert_eq!(sources, v.cases.len() + v.slow.len());
        assert!(answers > 10_000, "{answers}");
    }

    #[test]
    fn source_escaping() {
        assert_eq!(regexp_source("a/b[/]\\/"), "a\\/b[/]\\/");
        assert_eq!(regexp_source("a\nb\\\rc"), "a\\nb\\rc");
    }
}
