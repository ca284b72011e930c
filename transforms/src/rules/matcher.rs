//! Next's middleware `matcher` semantics, enough to tell which paths a matcher lets through:
//! path-to-regexp 6 (`parse` + `tokensToRegexp` with Next's defaults: not strict, case-insensitive,
//! delimiter `/#?`, prefixes `./`; `next/dist/esm/lib/try-to-parse-path.js`,
//! `getMiddlewareMatchers` in `next/dist/esm/build/analysis/get-page-static-info.js`) and a small
//! backtracking regex engine with lookahead (which the matchers rely on). Anything outside what is
//! supported gives `None`, and the rules then stay silent.

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Group(Vec<Vec<Node>>),
    Look(Vec<Vec<Node>>, bool),
    Rep(Box<Node>, usize, Option<usize>),
}

/// A compiled regular expression (case-insensitive, as Next compiles matchers).
#[derive(Debug, Clone)]
pub struct Regex(Vec<Vec<Node>>);

struct P<'a> {
    s: &'a [char],
    i: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn alt(&mut self) -> Option<Vec<Vec<Node>>> {
        let mut alts = vec![self.seq()?];
        while self.peek() == Some('|') {
            self.i += 1;
            alts.push(self.seq()?);
        }
        Some(alts)
    }
    fn seq(&mut self) -> Option<Vec<Node>> {
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            out.push(self.quant(atom)?);
        }
        Some(out)
    }
    fn quant(&mut self, atom: Node) -> Option<Node> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let rest: String = self.s[self.i + 1..].iter().collect();
                let close = rest.find('}')?;
                let body = &rest[..close];
                let (a, b) = match body.split_once(',') {
                    Some((a, "")) => (a.trim().parse().ok()?, None),
                    Some((a, b)) => (a.trim().parse().ok()?, Some(b.trim().parse().ok()?)),
                    None => {
                        let n = body.trim().parse().ok()?;
                        (n, Some(n))
                    }
                };
                self.i += close + 1;
                (a, b)
            }
            _ => return Some(atom),
        };
        if matches!(atom, Node::Start | Node::End | Node::Look(..)) {
            return None;
        }
        self.i += 1;
        if self.peek() == Some('?') {
            self.i += 1; // lazy: same set of full matches
        }
        Some(Node::Rep(Box::new(atom), min, max))
    }
    fn escape_class(c: char) -> Option<(Vec<(char, char)>, bool)> {
        let word = vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
        let digit = vec![('0', '9')];
        let space = vec![(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r')];
        Some(match c {
            'w' => (word, false),
            'W' => (word, true),
            'd' => (digit, false),
            'D' => (digit, true),
            's' => (space, false),
            'S' => (space, true),
            _ => return None,
        })
    }
    fn atom(&mut self) -> Option<Node> {
        let c = self.peek()?;
        self.i += 1;
        Some(match c {
            '(' => {
                let rest: String = self.s[self.i..].iter().take(3).collect();
                let node = if rest.starts_with("?:") {
                    self.i += 2;
                    Node::Group(self.alt()?)
                } else if rest.starts_with("?!") {
                    self.i += 2;
                    Node::Look(self.alt()?, true)
                } else if rest.starts_with("?=") {
                    self.i += 2;
                    Node::Look(self.alt()?, false)
                } else if rest.starts_with("?<") && !rest.starts_with("?<=") && !rest.starts_with("?<!") {
                    let name_end = self.s[self.i..].iter().position(|c| *c == '>')?;
                    self.i += name_end + 1;
                    Node::Group(self.alt()?)
                } else if rest.starts_with('?') {
                    return None;
                } else {
                    Node::Group(self.alt()?)
                };
                if self.peek() != Some(')') {
                    return None;
                }
                self.i += 1;
                node
            }
            '[' => {
                let mut neg = false;
                if self.peek() == Some('^') {
                    neg = true;
                    self.i += 1;
                }
                let mut items = Vec::new();
                let mut first = true;
                loop {
                    let c = self.peek()?;
                    self.i += 1;
                    if c == ']' && !first {
                        break;
                    }
                    first = false;
                    let lo = if c == '\\' {
                        let e = self.peek()?;
                        self.i += 1;
                        if let Some((set, n)) = Self::escape_class(e) {
                            if n {
                                return None;
                            }
                            items.extend(set);
                            continue;
                        }
                        e
                    } else {
                        c
                    };
                    if self.peek() == Some('-') && self.s.get(self.i + 1).is_some_and(|c| *c != ']') {
                        self.i += 1;
                        let mut hi = self.peek()?;
                        self.i += 1;
                        if hi == '\\' {
                            hi = self.peek()?;
                            self.i += 1;
                        }
                        items.push((lo, hi));
                    } else {
                        items.push((lo, lo));
                    }
                }
                Node::Class(items, neg)
            }
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => {
                let e = self.peek()?;
                self.i += 1;
                match Self::escape_class(e) {
                    Some((set, neg)) => Node::Class(set, neg),
                    None if e.is_ascii_alphanumeric() => return None, // \b, \1, \u… unsupported
                    None => Node::Char(e),
                }
            }
            '*' | '+' | '?' | '{' | ')' => return None,
            c => Node::Char(c),
        })
    }
}

fn eq_ci(a: char, b: char) -> bool {
    a == b || a.eq_ignore_ascii_case(&b)
}

fn in_class(items: &[(char, char)], neg: bool, c: char) -> bool {
    let hit = items.iter().any(|(lo, hi)| {
        let (l, u) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
        (*lo <= c && c <= *hi) || (*lo <= l && l <= *hi) || (*lo <= u && u <= *hi)
    });
    hit != neg
}

fn m_alt(alts: &[Vec<Node>], s: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    alts.iter().any(|seq| m_seq(seq, s, i, k))
}

fn m_seq(seq: &[Node], s: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match seq.split_first() {
        None => k(i),
        Some((first, rest)) => m_node(first, s, i, &mut |j| m_seq(rest, s, j, k)),
    }
}

fn m_node(n: &Node, s: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match n {
        Node::Char(c) => i < s.len() && eq_ci(s[i], *c) && k(i + 1),
        Node::Any => i < s.len() && s[i] != '\n' && k(i + 1),
        Node::Class(items, neg) => i < s.len() && in_class(items, *neg, s[i]) && k(i + 1),
        Node::Start => i == 0 && k(i),
        Node::End => i == s.len() && k(i),
        Node::Group(alts) => m_alt(alts, s, i, k),
        Node::Look(alts, negative) => {
            let found = m_alt(alts, s, i, &mut |_| true);
            found != *negative && k(i)
        }
        Node::Rep(node, min, max) => m_rep(node, *min, *max, 0, s, i, k),
    }
}

fn m_rep(node: &Node, min: usize, max: Option<usize>, count: usize, s: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    if max.is_none_or(|m| count < m) && m_node(node, s, i, &mut |j| j > i && m_rep(node, min, max, count + 1, s, j, k)) {
        return true;
    }
    count >= min && k(i)
}

impl Regex {
    pub fn new(src: &str) -> Option<Regex> {
        let chars: Vec<char> = src.chars().collect();
        let mut p = P { s: &chars, i: 0 };
        let alts = p.alt()?;
        if p.i != chars.len() {
            return None;
        }
        Some(Regex(alts))
    }
    /// Whether the expression matches at the start of `input` (anchors inside still apply).
    pub fn matches_at_start(&self, input: &str) -> bool {
        let s: Vec<char> = input.chars().collect();
        m_alt(&self.0, &s, 0, &mut |_| true)
    }
}

/// A path-to-regexp 6 source turned into the regular expression Next tests pathnames with
/// (`^…[\/#\?]?$`). `None` for syntax this module does not model (`{…}` groups, a repeated
/// parameter without prefix) or that path-to-regexp rejects.
pub fn path_to_regex(path: &str) -> Option<String> {
    #[derive(Debug)]
    enum Tok {
        Char(char),
        Escaped(char),
        Name,
        Pattern(String),
        Modifier(char),
        Brace,
    }
    let c: Vec<char> = path.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '*' | '+' | '?' => {
                toks.push(Tok::Modifier(c[i]));
                i += 1;
            }
            '\\' => {
                toks.push(Tok::Escaped(*c.get(i + 1)?));
                i += 2;
            }
            '{' | '}' => {
                toks.push(Tok::Brace);
                i += 1;
            }
            ':' => {
                let mut j = i + 1;
                let mut name = String::new();
                while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_') {
                    name.push(c[j]);
                    j += 1;
                }
                if name.is_empty() {
                    return None;
                }
                toks.push(Tok::Name);
                i = j;
            }
            '(' => {
                let mut count = 1;
                let mut pat = String::new();
                let mut j = i + 1;
                if c.get(j) == Some(&'?') {
                    return None;
                }
                while j < c.len() {
                    if c[j] == '\\' {
                        pat.push(c[j]);
                        pat.push(*c.get(j + 1)?);
                        j += 2;
                        continue;
                    }
                    if c[j] == ')' {
                        count -= 1;
                        if count == 0 {
                            j += 1;
                            break;
                        }
                    } else if c[j] == '(' {
                        count += 1;
                        if c.get(j + 1) != Some(&'?') {
                            return None;
                        }
                    }
                    pat.push(c[j]);
                    j += 1;
                }
                if count != 0 || pat.is_empty() {
                    return None;
                }
                toks.push(Tok::Pattern(pat));
                i = j;
            }
            ch => {
                toks.push(Tok::Char(ch));
                i += 1;
            }
        }
    }
    fn esc(s: &str) -> String {
        let mut o = String::new();
        for ch in s.chars() {
            if ".+*?=^!:${}()[]|/\\".contains(ch) {
                o.push('\\');
            }
            o.push(ch);
        }
        o
    }
    let default_pattern = "[^\\/#\\?]+?".to_string();
    let mut route = String::from("^");
    let mut lit = String::new();
    let mut k = 0;
    while k < toks.len() {
        let ch = match &toks[k] {
            Tok::Char(ch) => Some(*ch),
            _ => None,
        };
        let after = if ch.is_some() { k + 1 } else { k };
        let (name, pattern, next) = match toks.get(after) {
            Some(Tok::Name) => {
                let pat = match toks.get(after + 1) {
                    Some(Tok::Pattern(p)) => Some(p.clone()),
                    _ => None,
                };
                (true, pat.clone(), if pat.is_some() { after + 2 } else { after + 1 })
            }
            Some(Tok::Pattern(p)) => (false, Some(p.clone()), after + 1),
            _ => (false, None, after),
        };
        if name || pattern.is_some() {
            let mut prefix = ch.map(String::from).unwrap_or_default();
            if !(prefix == "." || prefix == "/") {
                lit.push_str(&prefix);
                prefix.clear();
            }
            route.push_str(&esc(&lit));
            lit.clear();
            let modifier = match toks.get(next) {
                Some(Tok::Modifier(m)) => Some(*m),
                _ => None,
            };
            let pat = pattern.unwrap_or_else(|| default_pattern.clone());
            let pre = esc(&prefix);
            match modifier {
                Some(m @ ('*' | '+')) => {
                    if pre.is_empty() {
                        return None;
                    }
                    route.push_str(&format!("(?:{pre}((?:{pat})(?:{pre}(?:{pat}))*)){}", if m == '*' { "?" } else { "" }));
                }
                m => {
                    let m = m.map(String::from).unwrap_or_default();
                    if pre.is_empty() {
                        route.push_str(&format!("({pat}){m}"));
                    } else {
                        route.push_str(&format!("(?:{pre}({pat})){m}"));
                    }
                }
            }
            k = next + usize::from(modifier.is_some());
            continue;
        }
        match &toks[k] {
            Tok::Char(ch) | Tok::Escaped(ch) => {
                lit.push(*ch);
                k += 1;
            }
            _ => return None, // a modifier with nothing before it, `{`: unsupported or invalid
        }
    }
    route.push_str(&esc(&lit));
    route.push_str("[\\/#\\?]?$");
    Some(route)
}

/// Whether a matcher source (as written in `config.matcher`) matches `pathname`. `None` when the
/// source is outside what this module models.
pub fn source_matches(source: &str, pathname: &str) -> Option<bool> {
    let re = Regex::new(&path_to_regex(source)?)?;
    Some(re.matches_at_start(pathname))
}

/// Split a regex at its top-level `|`.
pub fn split_alternatives(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut in_class = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                cur.push(chars.next()?);
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth -= 1,
            '|' if !in_class && depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if depth != 0 || in_class {
        return None;
    }
    out.push(cur);
    Some(out)
}

/// The alternatives of a `/((?!a|b|c).*)` matcher, when the source has exactly that shape.
pub fn lookahead_alternatives(source: &str) -> Option<Vec<String>> {
    let inner = source.strip_prefix("/((?!")?.strip_suffix(").*)")?;
    let alts = split_alternatives(inner)?;
    // The whole source must still be one lookahead group (not `a).*|(b`).
    Regex::new(&format!("(?:{inner})"))?;
    Some(alts)
}

/// Whether a lookahead alternative keeps `path` (without its leading `/`) out of the matcher.
pub fn alternative_covers(alt: &str, path_without_slash: &str) -> Option<bool> {
    let re = Regex::new(&format!("^(?:{alt})"))?;
    Some(re.matches_at_start(path_without_slash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(src: &str, path: &str) -> bool {
        source_matches(src, path).unwrap_or_else(|| panic!("unsupported {src}"))
    }

    #[test]
    fn standard_negative_lookahead() {
        let s = "/((?!api/auth|_next/static|_next/image|favicon.ico).*)";
        assert!(!m(s, "/api/auth/signin"));
        assert!(!m(s, "/_next/static/chunks/main.js"));
        assert!(!m(s, "/_next/image"));
        assert!(!m(s, "/favicon.ico"));
        assert!(m(s, "/dashboard"));
        assert!(m(s, "/"));
        assert!(m(s, "/api/users"));
    }

    #[test]
    fn learn_tutorial_matcher() {
        let s = "/((?!api|_next/static|_next/image|.*\\.png$).*)";
        assert!(!m(s, "/api/auth/session"));
        assert!(!m(s, "/logo.png"));
        assert!(m(s, "/favicon.ico"));
        assert!(m(s, "/dashboard/invoices"));
    }

    #[test]
    fn named_params() {
        assert!(m("/dashboard/:path*", "/dashboard"));
        assert!(m("/dashboard/:path*", "/dashboard/a/b"));
        assert!(!m("/dashboard/:path*", "/api/auth/signin"));
        assert!(m("/:path*", "/api/auth/signin"));
        assert!(m("/api/:path*", "/api/auth/callback/github"));
        assert!(!m("/admin", "/admin/x"));
        assert!(m("/admin", "/admin/"));
        assert!(m("/(.*)", "/_next/static/x.js"));
        assert!(m("/(api|trpc)(.*)", "/api/auth/signin"));
        assert!(m("/", "/"));
        assert!(!m("/", "/x"));
    }

    #[test]
    fn clerk_style_matchers() {
        let s = "/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)";
        assert!(!m(s, "/_next/static/chunks/main.js"));
        assert!(!m(s, "/favicon.ico"));
        assert!(m(s, "/api/auth/session"));
        assert!(m(s, "/data.json"));
        assert!(m("/(api|trpc)(.*)", "/api/auth/session"));
        assert!(!m("/(api|trpc)(.*)", "/dashboard"));
    }

    #[test]
    fn named_param_with_pattern() {
        let s = "/:path((?!api/auth|_next).*)";
        assert!(!m(s, "/api/auth/signin"));
        assert!(!m(s, "/_next/image"));
        assert!(m(s, "/dashboard"));
    }

    #[test]
    fn unsupported_gives_none() {
        assert!(source_matches("/{a}?", "/").is_none());
        assert!(source_matches("/.*", "/").is_none());
        assert!(source_matches("/((?<=x).*)", "/").is_none());
    }

    #[test]
    fn lookahead_parts() {
        let alts = lookahead_alternatives("/((?!api|_next/static|.*\\..*).*)").unwrap();
        assert_eq!(alts, vec!["api", "_next/static", ".*\\..*"]);
        assert_eq!(alternative_covers(".*\\..*", "favicon.ico"), Some(true));
        assert_eq!(alternative_covers(".*\\..*", "_next/image"), Some(false));
        assert_eq!(alternative_covers("api", "api/auth/signin"), Some(true));
        assert!(lookahead_alternatives("/dashboard/:path*").is_none());
    }
}
