//! `.gitignore` matching through the `ignore` crate (ripgrep's), which implements git's pattern
//! rules: comments, `\#`/`\!` escapes, `!` negations, trailing `/` for directories, anchoring by a
//! leading or inner `/`, `*`, `?`, `[…]`, `**`, escaped trailing spaces. The text is handed over
//! line by line (`GitignoreBuilder::add_line`), so no file is read here.
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::path::PathBuf;

/// The pattern that decides how a `.gitignore` treats a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// `true` for an ignore pattern, `false` for a `!` negation (the path stays tracked).
    pub ignored: bool,
    /// Byte offset of the deciding line in the `.gitignore` text.
    pub line_start: usize,
}

/// One `.gitignore`, compiled.
pub struct Patterns {
    matcher: Gitignore,
    /// Byte offset of each line added, by the index carried in the glob's `from`.
    line_starts: Vec<usize>,
}

impl Patterns {
    /// Compile a `.gitignore` text. Lines that are not valid globs are skipped, as git skips them.
    pub fn new(text: &str) -> Patterns {
        let mut b = GitignoreBuilder::new(".");
        // git reads an unclosed `[` literally.
        let _ = b.allow_unclosed_class(true);
        let mut line_starts = Vec::new();
        let mut pos = 0;
        for raw in text.split_inclusive('\n') {
            let start = pos;
            pos += raw.len();
            let line = raw.trim_end_matches('\n').trim_end_matches('\r');
            // `from` normally names the file a glob came from; here it carries the line's index so
            // a match can say which line decided.
            if b.add_line(Some(PathBuf::from(line_starts.len().to_string())), line).is_ok() {
                line_starts.push(start);
            }
        }
        let matcher = b.build().unwrap_or_else(|_| Gitignore::empty());
        Patterns { matcher, line_starts }
    }

    /// How this file treats `path` (relative to the `.gitignore`'s folder, `/`-separated): the
    /// last matching pattern decides; `None` when no pattern matches. `is_dir` says whether the
    /// path is a folder (patterns ending in `/` match only folders). As in git, a file inside an
    /// ignored folder is ignored whatever its own patterns say.
    pub fn check(&self, path: &str, is_dir: bool) -> Option<Verdict> {
        if path.is_empty() || path.starts_with('/') {
            return None;
        }
        for (i, _) in path.match_indices('/') {
            if let Some(v) = self.matched(&path[..i], true) {
                if v.ignored {
                    return Some(v);
                }
            }
        }
        self.matched(path, is_dir)
    }

    fn matched(&self, path: &str, is_dir: bool) -> Option<Verdict> {
        let (ignored, glob) = match self.matcher.matched(path, is_dir) {
            Match::None => return None,
            Match::Ignore(g) => (true, g),
            Match::Whitelist(g) => (false, g),
        };
        let idx: usize = glob.from().and_then(|p| p.to_str()).and_then(|s| s.parse().ok())?;
        Some(Verdict { ignored, line_start: *self.line_starts.get(idx)? })
    }
}

/// How the `.gitignore` text treats the file `path`: see [`Patterns::check`].
pub fn check(text: &str, path: &str) -> Option<Verdict> {
    Patterns::new(text).check(path, false)
}

/// Whether the `.gitignore` text ignores the file `path`.
pub fn ignores(text: &str, path: &str) -> bool {
    check(text, path).is_some_and(|v| v.ignored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_forms() {
        assert!(ignores(".env*.local\n", ".env.local"));
        assert!(ignores(".env*.local\n", ".env.development.local"));
        assert!(ignores(".env*\n", ".env.local"));
        assert!(ignores("*.local\n", ".env.local"));
        assert!(ignores(".env.local\n", ".env.local"));
        assert!(!ignores(".env.local\n", ".env.production.local"));
        assert!(!ignores(".env\n", ".env.local"));
        assert!(ignores(".env.[lp]ocal\r\n", ".env.local"));
        assert!(!ignores("# .env.local\n", ".env.local"));
        assert!(!ignores("", ".env.local"));
    }

    #[test]
    fn negations_last_match_wins() {
        assert!(!ignores(".env*\n!.env.local\n", ".env.local"));
        assert!(ignores("!.env.local\n.env*\n", ".env.local"));
        let v = check("node_modules\n.env*\n!.env.local\n", ".env.local").unwrap();
        assert_eq!(v, Verdict { ignored: false, line_start: 19 });
        // `\!` is a literal `!`, not a negation.
        assert!(ignores("\\!important\n", "!important"));
        assert!(ignores("\\#hash\n", "#hash"));
    }

    #[test]
    fn anchored_patterns() {
        assert!(ignores("/.env.local\n", ".env.local"));
        assert!(!ignores("/.env.local\n", "apps/web/.env.local"));
        assert!(ignores(".env.local\n", "apps/web/.env.local"), "no slash: matches at any depth");
        assert!(ignores("apps/web/.env.local\n", "apps/web/.env.local"));
        assert!(!ignores("web/.env.local\n", "apps/web/.env.local"), "an inner slash anchors the pattern");
        assert!(!ignores("config/.env.local\n", ".env.local"));
    }

    #[test]
    fn directory_patterns() {
        assert!(!ignores(".env*.local/\n", ".env.local"), "a trailing slash matches folders only");
        assert!(Patterns::new(".env*.local/\n").check(".env.local", true).is_some_and(|v| v.ignored));
        // A file in an ignored folder is ignored, and a negation cannot bring it back.
        assert_eq!(check("apps/web/\n", "apps/web/.env.local"), Some(Verdict { ignored: true, line_start: 0 }));
        assert!(ignores("apps/\n!apps/web/.env.local\n", "apps/web/.env.local"));
        assert!(!ignores("apps/web/\n", "apps/website/.env.local"));
    }

    #[test]
    fn double_star() {
        assert!(ignores("**/.env.local\n", ".env.local"));
        assert!(ignores("**/.env.local\n", "apps/web/.env.local"));
        assert!(ignores("apps/**/.env.local\n", "apps/web/.env.local"));
        assert!(ignores("apps/**/.env.local\n", "apps/a/b/.env.local"));
        assert!(!ignores("apps/**/.env.local\n", "packages/web/.env.local"));
    }

    #[test]
    fn trailing_spaces() {
        // Unescaped trailing spaces are dropped; an escaped one is part of the name.
        assert!(ignores("*.local   \n", ".env.local"));
        assert!(ignores("secret\\ \n", "secret "));
        assert!(!ignores("secret\\ \n", "secret"));
    }
}
