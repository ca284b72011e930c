//! The workspace packages an app imports (`@repo/ui` → `packages/ui`), loaded so the module graph
//! can follow imports into them — a `Providers` wrapper shared from `packages/ui` is then seen to
//! render `SessionProvider`. Only the packages the app (or a package it loads) names in a quoted
//! string are read, each once per scan however many apps import it; their files are the rules'
//! library files (never reported on, never written).
use super::walk;
use authfix_transforms::parse::is_source_path;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `(npm name, folder key)` of each package, for the resolver's virtual `node_modules`.
pub type Links = Vec<(String, String)>;
/// `(key from the app root, text)` of each file.
pub type Files = Vec<(String, Arc<str>)>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub dir: PathBuf,
}

/// The packages a workspace root declares (`workspaces` in package.json, `pnpm-workspace.yaml`),
/// by matching its globs against the folders holding a named `package.json`.
pub fn packages(ws_root: &Path) -> Vec<Package> {
    let Some(m) = Matcher::new(ws_root) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in walk::walker(ws_root).max_depth(Some(MAX_DEPTH)).build().flatten() {
        if entry.file_name() != "package.json" || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let dir = entry.path().parent().unwrap_or(ws_root);
        if !m.declares(dir) {
            continue;
        }
        let name = std::fs::read_to_string(entry.path())
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(String::from));
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            out.push(Package { name, dir: dir.to_path_buf() });
        }
    }
    out.sort_by(|a, b| (&a.name, &a.dir).cmp(&(&b.name, &b.dir)));
    out
}

/// How deep below the workspace root a package's `package.json` is looked for.
const MAX_DEPTH: usize = 6;

/// A workspace root's package globs.
struct Matcher<'a> {
    ws_root: &'a Path,
    include: globset::GlobSet,
    exclude: globset::GlobSet,
}

impl<'a> Matcher<'a> {
    fn new(ws_root: &'a Path) -> Option<Matcher<'a>> {
        let read = |n: &str| std::fs::read_to_string(ws_root.join(n)).ok();
        let pats = authfix_transforms::workspace::patterns(read("package.json").as_deref(), read("pnpm-workspace.yaml").as_deref());
        if pats.is_empty() {
            return None;
        }
        let set = |neg: bool| {
            let mut b = globset::GlobSetBuilder::new();
            for p in pats.iter().filter(|p| p.starts_with('!') == neg) {
                if let Ok(g) = globset::GlobBuilder::new(p.trim_start_matches('!')).literal_separator(true).build() {
                    b.add(g);
                }
            }
            b.build().unwrap_or_else(|_| globset::GlobSet::empty())
        };
        Some(Matcher { ws_root, include: set(false), exclude: set(true) })
    }

    /// Whether the folder `dir` (holding a `package.json`) is one of the workspace's packages.
    fn declares(&self, dir: &Path) -> bool {
        let rel = dir.strip_prefix(self.ws_root).unwrap_or(dir).to_string_lossy().replace('\\', "/");
        !rel.is_empty() && self.include.is_match(&rel) && !self.exclude.is_match(&rel)
    }
}

/// Which of `names` some text names in a quoted import specifier (`"@repo/ui"`,
/// `'@repo/ui/x'`): one pass over each text for all the names (Aho-Corasick), however many
/// packages the workspace has.
pub fn mentioned<'t>(texts: impl Iterator<Item = &'t str>, names: &[&str]) -> Vec<bool> {
    let mut found = vec![false; names.len()];
    let mut left = names.iter().filter(|n| !n.is_empty()).count();
    let quoted = |b: &[u8], start: usize, end: usize| {
        let before = start.checked_sub(1).map(|j| b[j]);
        let after = b.get(end).copied();
        matches!(before, Some(b'"' | b'\'' | b'`')) && matches!(after, Some(b'"' | b'\'' | b'`' | b'/'))
    };
    // A workspace's names usually share a scope (`@repo/`): find that prefix (a SIMD literal
    // search, much faster than an automaton) and compare the names there.
    let common = names.iter().map(|n| n.as_bytes()).reduce(|a, b| &a[..a.iter().zip(b).take_while(|(x, y)| x == y).count()]).unwrap_or_default();
    if common.len() >= 3 {
        let finder = memchr::memmem::Finder::new(common);
        for text in texts {
            if left == 0 {
                break;
            }
            let b = text.as_bytes();
            for at in finder.find_iter(b) {
                for (i, n) in names.iter().enumerate() {
                    if !found[i] && b[at..].starts_with(n.as_bytes()) && quoted(b, at, at + n.len()) {
                        found[i] = true;
                        left -= 1;
                    }
                }
            }
        }
        return found;
    }
    let Ok(ac) = aho_corasick::AhoCorasick::new(names) else { return found };
    for text in texts {
        if left == 0 {
            break;
        }
        let b = text.as_bytes();
        for m in ac.find_overlapping_iter(b) {
            let i = m.pattern().as_usize();
            if !found[i] && quoted(b, m.start(), m.end()) {
                found[i] = true;
                left -= 1;
            }
        }
    }
    found
}

/// `to` as a key relative to the folder `from` (`../../packages/ui`); both absolute.
pub fn rel_key(from: &Path, to: &Path) -> String {
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), a.len() - common).collect();
    parts.extend(b[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// A package's files the graph reads: its sources, and the JSON files at its root
/// (`package.json`, `tsconfig.json`, tsconfig presets such as `nextjs.json`), relative to it.
fn package_files(dir: &Path, cache: &mut HashMap<PathBuf, Arc<str>>) -> Files {
    let mut out = Vec::new();
    for entry in walk::walker(dir).build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let p = entry.path();
        let rel = p.strip_prefix(dir).unwrap_or(p).to_string_lossy().replace('\\', "/");
        let name = entry.file_name().to_string_lossy();
        let json = !rel.contains('/') && name.ends_with(".json") && name != "package-lock.json";
        if !(json || is_source_path(&rel)) {
            continue;
        }
        let text = match cache.get(p) {
            Some(t) => t.clone(),
            None => {
                let Ok(t) = std::fs::read_to_string(p) else { continue };
                let t: Arc<str> = t.trim_start_matches('\u{feff}').into();
                cache.insert(p.to_path_buf(), t.clone());
                t
            }
        };
        out.push((rel, text));
    }
    out
}

/// Which of the `declared` packages other than the app itself (in their order, the app left
/// out) the app's texts import.
pub fn mentioned_by_app(declared: &[Package], app_root: &Path, app_texts: &[&str]) -> Vec<bool> {
    let names: Vec<&str> = declared.iter().filter(|p| p.dir != app_root).map(|p| p.name.as_str()).collect();
    mentioned(app_texts.iter().copied(), &names)
}

/// Loads workspace packages for the apps of one scan, reading each package once.
#[derive(Default)]
pub struct Loader {
    /// The scan's root, and the named packages its walk found: a workspace root inside the scan
    /// needs no second walk to list its packages.
    scan_root: PathBuf,
    named: Vec<Package>,
    declared: HashMap<PathBuf, Vec<Package>>,
    texts: HashMap<PathBuf, Arc<str>>,
    files: HashMap<PathBuf, Files>,
}

impl Loader {
    /// A loader for a scan of `scan_root`, whose walk found the `named` packages.
    pub fn new(scan_root: &Path, named: Vec<Package>) -> Loader {
        Loader { scan_root: scan_root.to_path_buf(), named, ..Default::default() }
    }

    /// The packages `ws_root` declares: from the scan's walk when it covered the workspace root
    /// (the same walker, so the same files), else by walking it. For [`mentioned_by_app`] and
    /// [`Loader::load_mentioned`]: two steps, so that the workers sharing the loader hold its
    /// lock only to look the workspace up and to read packages, not while an app's texts are
    /// searched.
    pub fn declared(&mut self, ws_root: &Path) -> Vec<Package> {
        if let Some(d) = self.declared.get(ws_root) {
            return d.clone();
        }
        let d = if ws_root.starts_with(&self.scan_root) {
            match Matcher::new(ws_root) {
                None => Vec::new(),
                Some(m) => {
                    let mut d: Vec<Package> = self
                        .named
                        .iter()
                        .filter(|p| p.dir.strip_prefix(ws_root).is_ok_and(|r| r.components().count() < MAX_DEPTH) && m.declares(&p.dir))
                        .cloned()
                        .collect();
                    d.sort_by(|a, b| (&a.name, &a.dir).cmp(&(&b.name, &b.dir)));
                    d
                }
            }
        } else {
            packages(ws_root)
        };
        self.declared.insert(ws_root.to_path_buf(), d.clone());
        d
    }

    /// The packages the app imports, directly or through another such package: their
    /// `(name, folder key)` for the resolver, and their files keyed from the app root. `hit` is
    /// [`mentioned_by_app`]'s answer for `declared` (the app's own imports).
    pub fn load_mentioned(&mut self, app_root: &Path, declared: &[Package], hit: Vec<bool>) -> (Links, Files) {
        let mut chosen: Vec<&Package> = Vec::new();
        let others: Vec<&Package> = declared.iter().filter(|p| p.dir != app_root).collect();
        let mut pending: Vec<&Package> = others.iter().zip(hit).filter(|(_, h)| *h).map(|(p, _)| *p).collect();
        let mut files = Vec::new();
        while let Some(pkg) = pending.pop() {
            if chosen.iter().any(|c| c.dir == pkg.dir) {
                continue;
            }
            chosen.push(pkg);
            let list = match self.files.get(&pkg.dir) {
                Some(l) => l.clone(),
                None => {
                    let l = package_files(&pkg.dir, &mut self.texts);
                    self.files.insert(pkg.dir.clone(), l.clone());
                    l
                }
            };
            let key = rel_key(app_root, &pkg.dir);
            let rest: Vec<&Package> = declared.iter().filter(|o| o.dir != app_root && !chosen.iter().any(|c| c.dir == o.dir)).collect();
            let names: Vec<&str> = rest.iter().map(|p| p.name.as_str()).collect();
            let hit = mentioned(list.iter().map(|(_, t)| &**t), &names);
            pending.extend(rest.into_iter().zip(hit).filter(|(_, h)| *h).map(|(p, _)| p));
            files.extend(list.into_iter().map(|(rel, t)| (format!("{key}/{rel}"), t)));
        }
        let links = chosen.iter().map(|p| (p.name.clone(), rel_key(app_root, &p.dir))).collect();
        (links, files)
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn mentions(text: &str, name: &str) -> bool {
        mentioned([text].into_iter(), &[name])[0]
    }

    #[test]
    fn names_sharing_a_prefix_are_told_apart() {
        let texts = ["import a from \"@repo/ui-kit\";", "// @repo/ui\nimport b from '@repo/uikit'", "x('@repo/auth/server')"];
        assert_eq!(mentioned(texts.into_iter(), &["@repo/ui", "@repo/ui-kit", "@repo/uikit", "@repo/auth", "@repo/db"]), vec![false, true, true, true, false]);
        assert_eq!(mentioned(std::iter::empty(), &[]), Vec::<bool>::new());
        // Names without a common scope go through the automaton.
        assert_eq!(mentioned(texts.into_iter(), &["@repo/ui-kit", "ui", "@repo/auth"]), vec![true, false, true]);
    }

    #[test]
    fn mentions_only_quoted_specifiers() {
        assert!(mentions("import { Providers } from \"@repo/ui\";", "@repo/ui"));
        assert!(mentions("import x from '@repo/ui/providers'", "@repo/ui"));
        assert!(!mentions("import x from \"@repo/ui-kit\"", "@repo/ui"));
        assert!(!mentions("// uses @repo/ui somewhere", "@repo/ui"));
        assert!(!mentions("import x from \"@repo/uikit\"", "@repo/ui"));
    }

    #[test]
    fn keys_between_folders() {
        assert_eq!(rel_key(Path::new("/r/apps/web"), Path::new("/r/packages/ui")), "../../packages/ui");
        assert_eq!(rel_key(Path::new("/r"), Path::new("/r/packages/ui")), "packages/ui");
    }

    #[test]
    fn declared_packages_follow_the_globs() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        for (f, t) in [
            ("pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/**\n  - '!packages/legacy'\n"),
            ("apps/web/package.json", r#"{"name":"web"}"#),
            ("packages/ui/package.json", r#"{"name":"@repo/ui"}"#),
            ("packages/config/eslint/package.json", r#"{"name":"@repo/eslint-config"}"#),
            ("packages/legacy/package.json", r#"{"name":"legacy"}"#),
            ("tools/x/package.json", r#"{"name":"x"}"#),
            ("packages/ui/node_modules/dep/package.json", r#"{"name":"dep"}"#),
        ] {
            let p = r.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        }
        let names: Vec<String> = packages(r).into_iter().map(|p| p.name).collect();
        assert_eq!(names, vec!["@repo/eslint-config", "@repo/ui", "web"]);
    }
}
