//! The project as the rules see it: facts found by the CLI and the text of every source file,
//! keyed by the path relative to the app root (`/`-separated). Parsing is lazy and cached, so a
//! file no rule asks about is never parsed.
use crate::parse::{self, ParseError, Parsed};
use crate::style::Style;
use std::any::Any;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

/// The tsconfig/jsconfig path alias for the project's own code, e.g. `@/*` → `src/*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    /// The import prefix, e.g. `@/` (from `"@/*"`), or `~/`.
    pub prefix: String,
    /// The folder it points at, relative to the app root, `""` for the root or e.g. `"src/"`.
    pub target: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectFacts {
    /// `major.minor.patch` of `next` (from the lockfile when present, else the range's floor).
    pub next_version: Option<(u32, u32, u32)>,
    /// 4 or 5, from `next-auth` in package.json / the lockfile.
    pub auth_major: Option<u8>,
    /// Whether the project has `src/` code folders (`src/app` or `src/pages`).
    pub src_dir: bool,
    pub alias: Option<Alias>,
    /// TypeScript project (tsconfig.json present).
    pub typescript: bool,
    /// A fresh secret (32 bytes from the OS CSPRNG, base64) a fix may write into `.env.local`.
    /// The CLI makes it; rules never generate randomness themselves.
    pub fresh_secret: Option<String>,
    /// Files git tracks, among the non-source files the CLI loaded (`.env*`, workflows…);
    /// `None` outside a git work tree.
    pub git_tracked: Option<Vec<String>>,
    /// Env files git ignores, by any `.gitignore` (a monorepo root's too) or exclude file, among
    /// those the CLI loaded and the app's `.env` and `.env.local` even when absent (so a rule can
    /// ask whether a file would be ignored once written); `None` outside a git work tree (the
    /// rules then match the `.gitignore` files they were given).
    pub git_ignored: Option<Vec<String>>,
    /// The app root relative to the outermost folder the CLI loaded files from (the git root,
    /// else the workspace root), `/`-separated: `apps/web`, or empty when they are the same.
    /// Files of the folders in between are keyed with `../` segments (`../../.gitignore`).
    pub app_path: String,
    /// Exact resolved versions of `next`, `next-auth`, `@auth/core` (lockfile first, the
    /// workspace root's in a monorepo; else the package.json range's floor) and the lockfile read.
    pub versions: crate::versions::Versions,
    /// Workspace packages the app can import (npm name → folder, as a project path such as
    /// `../../packages/ui`), linked for module resolution as a package manager links them.
    pub workspace_packages: Vec<(String, String)>,
}

pub struct SourceFile {
    /// Shared with the caller (no copy of the project's text is made).
    pub text: std::sync::Arc<str>,
    parsed: RefCell<Option<Rc<Result<Parsed, ParseError>>>>,
    /// What a rule derived from a non-source file (a parsed workflow), see [`Project::derived`].
    derived: RefCell<Option<Arc<dyn Any + Send + Sync>>>,
    module: RefCell<Option<Rc<crate::graph::ModuleInfo>>>,
    /// [`Project::text_test`] answers.
    tests: RefCell<Vec<(&'static str, bool)>>,
    /// A file of a workspace package the app imports: the module graph follows imports into it,
    /// but it is not the app's (no rule reports on it, fixes it, or counts it).
    library: bool,
    /// One of the app's JS/TS sources (not a library file): what
    /// [`Project::source_files_containing`] searches.
    app_source: bool,
    /// A JS/TS source ([`parse::is_source_path`]), asked once.
    source: bool,
    /// Which [`INDEXED`] literals the text holds (once the project is indexed).
    literals: std::cell::Cell<u64>,
}

impl SourceFile {
    fn new(path: &str, text: std::sync::Arc<str>, library: bool) -> SourceFile {
        let source = parse::is_source_path(path);
        let app_source = !library && source;
        SourceFile {
            text,
            parsed: RefCell::new(None),
            module: RefCell::new(None),
            derived: RefCell::new(None),
            tests: RefCell::new(Vec::new()),
            library,
            app_source,
            source,
            literals: std::cell::Cell::new(0),
        }
    }
}

/// The literals the rules' prefilters ask [`Project::source_files_containing`] for. They are found
/// in one pass over each file (Teddy, aho-corasick's SIMD multi-literal searcher) rather than one
/// pass per literal; a literal not listed here is answered all the same, by a search of its own.
const INDEXED: &[&str] = &[
    // crate::secrets::SECRET_WORDS
    "ecret",
    "ECRET",
    "assword",
    "ASSWORD",
    ".user",
    "@auth/",
    "AUTH_SECRET",
    "AUTH_TRUST_HOST",
    "AUTH_URL",
    "AuthOptions",
    "Credentials",
    "trustHost",
    "NEXTAUTH_SECRET",
    "NEXTAUTH_URL",
    "NODE_ENV",
    "NextAuth",
    "SECRET",
    "SessionProvider",
    "allowDangerousEmailAccountLinking",
    // (Not `auth` itself: in nearly every file, it would slow the pass down more than its own
    // search costs.)
    "auth(",
    "authOptions",
    "authfix-ignore",
    "authorized",
    "basePath",
    "better-auth",
    "credentials",
    "dapter",
    "debug",
    "domain",
    "fetch(",
    "force-static",
    "getServerSession",
    "getServerSession(",
    "next-auth",
    "next-auth/next",
    "nextauth",
    "redirect",
    "secret",
    "signIn",
    "signIn:",
    "providers/",
    "use server",
    "useSession",
];

const _: () = assert!(INDEXED.len() <= 64, "the index is a 64-bit set");

/// [`INDEXED`]'s searcher (`None` where the CPU has no SIMD it can use), and for each first byte
/// the literals starting with it.
struct LiteralIndex {
    searcher: Option<aho_corasick::packed::Searcher>,
    by_first: Vec<Vec<u8>>,
}

fn literal_index() -> &'static LiteralIndex {
    static INDEX: std::sync::OnceLock<LiteralIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let searcher = aho_corasick::packed::Config::new().builder().extend(INDEXED.iter()).build();
        let mut by_first = vec![Vec::new(); 256];
        for (i, l) in INDEXED.iter().enumerate() {
            by_first[l.as_bytes()[0] as usize].push(i as u8);
        }
        LiteralIndex { searcher, by_first }
    })
}

/// Which of [`INDEXED`] `text` contains, as a bit set; `None` without the SIMD searcher. The
/// searcher reports the leftmost match; searching again from the byte after its start, and
/// checking there every literal with that first byte, visits every position where one starts.
fn indexed_literals(text: &[u8]) -> Option<u64> {
    let ix = literal_index();
    let searcher = ix.searcher.as_ref()?;
    let mut set = 0u64;
    let mut at = 0;
    while at < text.len() {
        let Some(m) = searcher.find_in(text, aho_corasick::Span::from(at..text.len())) else { break };
        let p = m.start();
        for &i in &ix.by_first[text[p] as usize] {
            if text[p..].starts_with(INDEXED[i as usize].as_bytes()) {
                set |= 1 << i;
            }
        }
        at = p + 1;
    }
    Some(set)
}

/// Files whose text decides how imports resolve.
fn is_resolution_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    // package.json, tsconfig/jsconfig and the presets they extend (`nextjs.json`).
    name.ends_with(".json")
}

/// The graph's caches: the resolver (rebuilt when a config changes, told of new files),
/// resolutions, and export origins (cleared on any change).
#[derive(Default)]
struct GraphCache {
    resolver: Option<Rc<crate::resolve::Resolver>>,
    resolved: HashMap<(String, String), crate::resolve::Target>,
    exports: HashMap<(String, String), crate::graph::Origin>,
    provides: HashMap<(String, String), bool>,
    reach: HashMap<(String, String), crate::render::Reach>,
}

/// The app's files the rules read: every JS/TS source file, plus `.env*`, `.gitignore`,
/// `package.json`, `next.config.*` and `.github/workflows/*.yml` when present. Keys are paths
/// relative to the app root; files in the folders above it, up to the workspace and git roots,
/// are keyed with `../` segments (`../../.github/workflows/ci.yml`, `../../.env.example`).
pub struct Project {
    pub facts: ProjectFacts,
    files: BTreeMap<String, SourceFile>,
    /// `app_dir()`, computed once per set of paths.
    app_dir: std::cell::Cell<Option<Option<&'static str>>>,
    /// `source_files_containing(needle)`, per needle, kept up to date as files change (rules ask
    /// for the same literals on every pass).
    needles: RefCell<HashMap<String, std::collections::BTreeSet<String>>>,
    /// Whether every app source's [`SourceFile::literals`] is known (found in one pass over each
    /// file when the first [`INDEXED`] literal is asked, and kept up to date as files change).
    indexed: std::cell::Cell<bool>,
    graph: RefCell<GraphCache>,
    /// `project_style()`, until a source file changes.
    style: RefCell<Option<Style>>,
    shared: Option<Arc<SharedDerived>>,
    /// Git's answers when they come later ([`Project::git_later`]), and once they came.
    pending_git: RefCell<Option<Box<dyn FnOnce() -> GitAnswer>>>,
    git: std::cell::OnceCell<GitAnswer>,
}

/// What git says of the project's env files and workflows (see [`ProjectFacts::git_tracked`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitAnswer {
    pub tracked: Option<Vec<String>>,
    pub ignored: Option<Vec<String>>,
}

/// [`Project::derived`] values shared by the projects of one run (one per app of a monorepo):
/// keyed by the file's path in the project and its exact text.
#[derive(Default)]
pub struct SharedDerived(std::sync::Mutex<HashMap<String, Vec<SharedValue>>>);

/// A file's text and what was derived from it.
type SharedValue = (Arc<str>, Arc<dyn Any + Send + Sync>);

impl SharedDerived {
    fn get_or_make<T: Send + Sync + 'static>(&self, path: &str, text: &Arc<str>, make: impl FnOnce(&Arc<str>) -> T) -> Arc<T> {
        let found = {
            let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            map.get(path).and_then(|v| v.iter().filter(|(t, _)| **t == **text).find_map(|(_, v)| v.clone().downcast::<T>().ok()))
        };
        if let Some(v) = found {
            return v;
        }
        // Made outside the lock: another thread may make the same value meanwhile (both are equal).
        let v = Arc::new(make(text));
        self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(path.to_string()).or_default().push((text.clone(), v.clone()));
        v
    }
}

/// A copy with the same facts and texts (shared, not copied) and empty caches: the engine can plan
/// on one copy and apply the chosen fixes on another, both with the same fresh secret.
impl Clone for Project {
    fn clone(&self) -> Project {
        let mut p = Project::new(self.facts.clone());
        // (Git's answers, asked now if they were to come later: the copy has them at once.)
        if let Some(g) = self.resolved_git() {
            p.facts.git_tracked = g.tracked.clone();
            p.facts.git_ignored = g.ignored.clone();
        }
        for (path, f) in &self.files {
            p.files.insert(path.clone(), SourceFile::new(path, f.text.clone(), f.library));
        }
        p.shared = self.shared.clone();
        p
    }
}

impl Project {
    pub fn new(facts: ProjectFacts) -> Project {
        Project {
            facts,
            files: BTreeMap::new(),
            app_dir: std::cell::Cell::new(None),
            needles: RefCell::new(HashMap::new()),
            indexed: std::cell::Cell::new(false),
            graph: RefCell::new(GraphCache::default()),
            style: RefCell::new(None),
            shared: None,
            pending_git: RefCell::new(None),
            git: std::cell::OnceCell::new(),
        }
    }

    /// Add or replace a file (text without BOM).
    pub fn set_file(&mut self, path: impl Into<String>, text: impl Into<std::sync::Arc<str>>) {
        self.app_dir.set(None);
        let path = path.into();
        let text: std::sync::Arc<str> = text.into();
        let library = self.files.get(&path).is_some_and(|f| f.library);
        let f = SourceFile::new(&path, text, library);
        if f.app_source && self.indexed.get() {
            match indexed_literals(f.text.as_bytes()) {
                Some(m) => f.literals.set(m),
                None => self.indexed.set(false),
            }
        }
        for (needle, set) in self.needles.get_mut().iter_mut() {
            if f.app_source && memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_some() {
                set.insert(path.clone());
            } else {
                set.remove(&path);
            }
        }
        if parse::is_source_path(&path) {
            *self.style.get_mut() = None;
        }
        let g = self.graph.get_mut();
        if is_resolution_config(&path) {
            g.resolver = None;
            g.resolved.clear();
        } else if !self.files.contains_key(&path) {
            // A new source: added to the resolver's tree rather than building a new one.
            if g.resolver.as_ref().is_some_and(|r| !r.add_source(&path)) {
                g.resolver = None;
            }
            g.resolved.clear();
        }
        g.exports.clear();
        g.provides.clear();
        g.reach.clear();
        self.files.insert(path, f);
    }

    /// Add a file of a workspace package the app imports (`../../packages/ui/src/providers.tsx`,
    /// its `package.json` and `tsconfig.json`): imports resolve into it and the graph reads it,
    /// but [`Project::paths`], [`Project::source_files_containing`] and
    /// [`Project::data_files`] leave it out, so no rule reports on it or edits it.
    pub fn set_library_file(&mut self, path: impl Into<String>, text: impl Into<std::sync::Arc<str>>) {
        let path = path.into();
        self.set_file(path.clone(), text);
        if let Some(f) = self.files.get_mut(&path) {
            f.library = true;
            f.app_source = false;
        }
        for set in self.needles.get_mut().values_mut() {
            set.remove(&path);
        }
    }

    /// Whether `path` is a workspace package's file ([`Project::set_library_file`]).
    pub fn is_library(&self, path: &str) -> bool {
        self.files.get(path).is_some_and(|f| f.library)
    }

    /// Files that were parsed (because some rule needed them) and failed. Files no rule looks at
    /// are never parsed: authfix neither edits them nor reports on them.
    pub fn parse_failures(&self) -> Vec<(String, ParseError)> {
        self.files
            .iter()
            .filter(|(_, f)| !f.library)
            .filter_map(|(p, f)| match f.parsed.borrow().as_deref() {
                Some(Err(e)) => Some((p.clone(), e.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn remove_file(&mut self, path: &str) {
        self.app_dir.set(None);
        for set in self.needles.get_mut().values_mut() {
            set.remove(path);
        }
        *self.graph.get_mut() = GraphCache::default();
        if parse::is_source_path(path) {
            *self.style.get_mut() = None;
        }
        self.files.remove(path);
    }

    /// The app's files (workspace packages' files left out).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().filter(|(_, f)| !f.library).map(|(p, _)| p.as_str())
    }

    pub fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|f| &*f.text)
    }

    /// A value computed once from a file's text (a workflow's YAML tree) and kept until the file
    /// changes, so the rules and passes that ask again do not redo the work — and, with
    /// [`Project::share_derived`], shared with the other projects of the run that hold the same
    /// file (a monorepo's apps all read the repository's workflows). `None` when the file is
    /// unknown.
    pub fn derived<T: Send + Sync + 'static>(&self, path: &str, make: impl FnOnce(&Arc<str>) -> T) -> Option<Arc<T>> {
        let f = self.files.get(path)?;
        if let Some(v) = f.derived.borrow().as_ref().and_then(|v| v.clone().downcast::<T>().ok()) {
            return Some(v);
        }
        let v = match &self.shared {
            Some(shared) => shared.get_or_make(path, &f.text, make),
            None => Arc::new(make(&f.text)),
        };
        *f.derived.borrow_mut() = Some(v.clone());
        Some(v)
    }

    /// A cheap test of a file's text (a rule's textual check before parsing), answered once until
    /// the file changes: the fix loop's passes ask it again of every unchanged file. `name` names
    /// the test; `false` for an unknown file.
    pub fn text_test(&self, path: &str, name: &'static str, test: impl FnOnce(&str) -> bool) -> bool {
        let Some(f) = self.files.get(path) else { return false };
        if let Some((_, v)) = f.tests.borrow().iter().find(|(n, _)| *n == name) {
            return *v;
        }
        let v = test(&f.text);
        f.tests.borrow_mut().push((name, v));
        v
    }

    /// Share [`Project::derived`] values with the other projects given the same cache.
    pub fn share_derived(&mut self, cache: Arc<SharedDerived>) {
        self.shared = Some(cache);
    }

    /// The parsed module, or the parse error. `None` when the file is unknown or not a source file.
    pub fn parse_result(&self, path: &str) -> Option<Rc<Result<Parsed, ParseError>>> {
        let f = self.files.get(path)?;
        if !parse::is_source_path(path) {
            return None;
        }
        let mut slot = f.parsed.borrow_mut();
        if slot.is_none() {
            *slot = Some(Rc::new(parse::parse(path, &f.text)));
        }
        slot.clone()
    }

    /// Take `parsed` as the parse of the file's current text: the engine parsed the text it just
    /// set to validate it (the same [`parse::parse`], so the same result).
    pub(crate) fn adopt_parse(&self, path: &str, parsed: Rc<Result<Parsed, ParseError>>) {
        if let Some(f) = self.files.get(path).filter(|_| parse::is_source_path(path)) {
            *f.parsed.borrow_mut() = Some(parsed);
        }
    }

    /// The parsed module when the file parses; rules never look at files that do not.
    pub fn parsed(&self, path: &str) -> Option<ParsedRef> {
        let r = self.parse_result(path)?;
        if r.is_ok() {
            Some(ParsedRef(r))
        } else {
            None
        }
    }

    /// Source files whose text contains `needle` (a cheap literal prefilter before parsing).
    pub fn source_files_containing<'a>(&'a self, needle: &str) -> impl Iterator<Item = &'a str> + 'a {
        let indexed = self.index();
        let bit = |i: usize| move |f: &SourceFile| f.app_source && f.literals.get() & (1 << i) != 0;
        if let Some(i) = INDEXED.iter().position(|l| *l == needle).filter(|_| indexed) {
            let hits: Vec<&'a str> = self.files.iter().filter(|(_, f)| bit(i)(f)).map(|(p, _)| p.as_str()).collect();
            return hits.into_iter();
        }
        let mut cache = self.needles.borrow_mut();
        if !cache.contains_key(needle) {
            let finder = memchr::memmem::Finder::new(needle.as_bytes());
            let hit = |p: &String, f: &SourceFile| (f.app_source && finder.find(f.text.as_bytes()).is_some()).then(|| p.clone());
            // A file holding `needle` holds each of its substrings: when one was searched already
            // (`getServerSession` before `getServerSession(`), only its files need searching.
            let narrower = cache.iter().filter(|(n, _)| needle.contains(n.as_str())).map(|(_, set)| set).min_by_key(|set| set.len());
            let within_literal = INDEXED.iter().enumerate().filter(|(_, l)| indexed && needle.contains(*l)).max_by_key(|(_, l)| l.len()).map(|(i, _)| i);
            let set: std::collections::BTreeSet<String> = match (narrower, within_literal) {
                (Some(within), _) => within.iter().filter_map(|p| self.files.get(p).and_then(|f| hit(p, f))).collect(),
                (None, Some(i)) => self.files.iter().filter(|(_, f)| bit(i)(f)).filter_map(|(p, f)| hit(p, f)).collect(),
                (None, None) => self.files.iter().filter_map(|(p, f)| hit(p, f)).collect(),
            };
            cache.insert(needle.to_string(), set);
        }
        let set = &cache[needle];
        let hits: Vec<&'a str> = set.iter().filter_map(|p| self.files.get_key_value(p).map(|(k, _)| k.as_str())).collect();
        hits.into_iter()
    }

    /// Find the [`INDEXED`] literals of every app source, once; `false` without the SIMD searcher.
    fn index(&self) -> bool {
        if self.indexed.get() {
            return true;
        }
        if literal_index().searcher.is_none() {
            return false;
        }
        for f in self.files.values().filter(|f| f.app_source) {
            f.literals.set(indexed_literals(f.text.as_bytes()).unwrap_or(0));
        }
        self.indexed.set(true);
        true
    }

    /// Whether some app file lies under the folder `dir` (`app`, `src/pages`).
    pub fn has_dir(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.files.range(prefix.clone()..).take_while(|(p, _)| p.starts_with(&prefix)).any(|(_, f)| !f.library)
    }

    /// Files that are not JS/TS sources (env files, `.gitignore`, `package.json`, workflows).
    pub fn data_files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().filter(|(_, f)| !f.library && !f.source).map(|(p, _)| p.as_str())
    }

    /// Whether git says it ignores `path` (`None` outside a work tree: unknown).
    pub fn is_git_ignored(&self, path: &str) -> Option<bool> {
        self.git_ignored().map(|t| t.iter().any(|x| x == path))
    }

    /// Whether git tracks `path` (`false` outside a work tree or when untracked).
    pub fn is_tracked(&self, path: &str) -> bool {
        self.git_tracked().is_some_and(|t| t.iter().any(|x| x == path))
    }

    /// [`ProjectFacts::git_tracked`], once known (see [`Project::git_later`]).
    pub fn git_tracked(&self) -> Option<&[String]> {
        match self.resolved_git() {
            Some(g) => g.tracked.as_deref(),
            None => self.facts.git_tracked.as_deref(),
        }
    }

    /// [`ProjectFacts::git_ignored`], once known (see [`Project::git_later`]).
    pub fn git_ignored(&self) -> Option<&[String]> {
        match self.resolved_git() {
            Some(g) => g.ignored.as_deref(),
            None => self.facts.git_ignored.as_deref(),
        }
    }

    /// Let git's answers ([`ProjectFacts::git_tracked`] and [`ProjectFacts::git_ignored`]) come
    /// from `answer`, asked the first time a rule needs them: the caller may still be waiting for
    /// git while the rules that do not ask run.
    pub fn git_later(&mut self, answer: impl FnOnce() -> GitAnswer + 'static) {
        *self.pending_git.get_mut() = Some(Box::new(answer));
    }

    fn resolved_git(&self) -> Option<&GitAnswer> {
        if let Some(answer) = self.pending_git.borrow_mut().take() {
            let _ = self.git.set(answer());
        }
        self.git.get()
    }

    /// `app` or `src/app` when the project has an App Router folder.
    pub fn app_dir(&self) -> Option<&'static str> {
        if let Some(d) = self.app_dir.get() {
            return d;
        }
        let d = self.compute_app_dir();
        self.app_dir.set(Some(d));
        d
    }

    /// The App Router folder: `app/`, else `src/app/` (Next ignores `src/` when the root has
    /// one), counted only when it holds a route file (`page`, `layout`, `route`, …): a package
    /// of a monorepo that depends on `next` may have an `app/` folder of its own that Next never
    /// routes (a widget named "app").
    fn compute_app_dir(&self) -> Option<&'static str> {
        let routes = |d: &str| {
            let prefix = format!("{d}/");
            self.files.range(prefix.clone()..).take_while(|(p, _)| p.starts_with(&prefix)).any(|(p, _)| {
                let name = p.rsplit('/').next().unwrap_or(p);
                let (stem, ext) = name.split_once('.').unwrap_or((name, ""));
                crate::parse::SOURCE_EXTENSIONS.contains(&ext) && matches!(stem, "page" | "layout" | "route" | "template" | "default")
            })
        };
        ["app", "src/app"].into_iter().find(|d| routes(d))
    }

    /// The root layout file of the App Router, if any.
    pub fn root_layout(&self) -> Option<&str> {
        let dir = self.app_dir()?;
        ["tsx", "jsx", "js", "ts"].iter().find_map(|ext| {
            let p = format!("{dir}/layout.{ext}");
            self.files.get_key_value(&p).map(|(k, _)| k.as_str())
        })
    }

    /// Whether a path is App Router code (under `app/` or `src/app/`).
    pub fn in_app_dir(&self, path: &str) -> bool {
        self.app_dir().is_some_and(|d| path.starts_with(d) && path[d.len()..].starts_with('/'))
    }

    pub fn in_pages_dir(&self, path: &str) -> bool {
        path.starts_with("pages/") || path.starts_with("src/pages/")
    }

    /// The folder new shared code goes in (`""` or `"src/"`), following the alias when there is one.
    pub fn code_root(&self) -> String {
        if let Some(a) = &self.facts.alias {
            return a.target.clone();
        }
        if self.facts.src_dir || self.app_dir() == Some("src/app") {
            "src/".into()
        } else {
            String::new()
        }
    }

    /// The extension for a new module: `tsx`/`ts` for TypeScript projects, `jsx`/`js` otherwise.
    pub fn new_module_ext(&self, jsx: bool) -> &'static str {
        match (self.facts.typescript, jsx) {
            (true, true) => "tsx",
            (true, false) => "ts",
            (false, true) => "jsx",
            (false, false) => "js",
        }
    }

    /// The style new files should follow: the majority style of (up to 50) source files.
    pub fn project_style(&self) -> Style {
        if let Some(s) = &*self.style.borrow() {
            return s.clone();
        }
        let s = self.compute_project_style();
        *self.style.borrow_mut() = Some(s.clone());
        s
    }

    fn compute_project_style(&self) -> Style {
        let mut sample = String::new();
        for (_, f) in self.files.iter().filter(|(p, f)| !f.library && parse::is_source_path(p)).take(50) {
            sample.push_str(&f.text);
            sample.push('\n');
        }
        Style::detect(&sample)
    }

    /// The style of one file, falling back to the project's where the file shows none.
    pub fn file_style(&self, path: &str) -> Style {
        Style::detect_or(self.text(path).unwrap_or(""), &self.project_style())
    }

    /// Resolve an import specifier written in `from` to a project file.
    pub fn resolve_import(&self, from: &str, spec: &str) -> Option<String> {
        match self.resolve(from, spec) {
            crate::resolve::Target::File(f) => Some(f),
            _ => None,
        }
    }

    /// Where `spec`, imported by `from`, leads (cached).
    pub fn resolve(&self, from: &str, spec: &str) -> crate::resolve::Target {
        let key = (from.to_string(), spec.to_string());
        if let Some(t) = self.graph.borrow().resolved.get(&key) {
            return t.clone();
        }
        let resolver = self.resolver();
        let t = resolver.resolve(from, spec);
        self.graph.borrow_mut().resolved.insert(key, t.clone());
        t
    }

    fn resolver(&self) -> Rc<crate::resolve::Resolver> {
        if let Some(r) = &self.graph.borrow().resolver {
            return r.clone();
        }
        // Sources are known by name only; configs by their text. Fixtures (and callers that
        // pass no tsconfig) give the alias as a fact: it stands in for the tsconfig's `paths`.
        let empty: std::sync::Arc<str> = "".into();
        let has_tsconfig = self.files.keys().any(|p| !p.contains('/') && (p.starts_with("tsconfig") || p.starts_with("jsconfig")) && p.ends_with(".json"));
        let synthetic: Option<std::sync::Arc<str>> = match (&self.facts.alias, has_tsconfig) {
            (Some(a), false) => Some(format!("{{ \"compilerOptions\": {{ \"paths\": {{ \"{}*\": [\"./{}*\"] }} }} }}", a.prefix, a.target).into()),
            _ => None,
        };
        let files = self
            .files
            .iter()
            .map(|(p, f)| (p.as_str(), if is_resolution_config(p) { f.text.clone() } else { empty.clone() }))
            .chain(synthetic.map(|t| ("tsconfig.json", t)));
        let r = Rc::new(crate::resolve::Resolver::new(files, &self.facts.workspace_packages));
        self.graph.borrow_mut().resolver = Some(r.clone());
        r
    }

    pub(crate) fn module_cached(&self, path: &str, make: impl FnOnce(&Parsed) -> Rc<crate::graph::ModuleInfo>) -> Option<Rc<crate::graph::ModuleInfo>> {
        let f = self.files.get(path)?;
        if let Some(m) = f.module.borrow().as_ref() {
            return Some(m.clone());
        }
        let parsed = self.parsed(path)?;
        let m = make(&parsed);
        *f.module.borrow_mut() = Some(m.clone());
        Some(m)
    }

    pub(crate) fn export_memo(&self, file: &str, name: &str) -> Option<crate::graph::Origin> {
        self.graph.borrow().exports.get(&(file.to_string(), name.to_string())).cloned()
    }

    pub(crate) fn set_export_memo(&self, file: &str, name: &str, o: crate::graph::Origin) {
        self.graph.borrow_mut().exports.insert((file.to_string(), name.to_string()), o);
    }

    pub(crate) fn provides_memo(&self, key: &(String, String)) -> Option<bool> {
        self.graph.borrow().provides.get(key).copied()
    }

    pub(crate) fn set_provides_memo(&self, key: (String, String), v: bool) {
        self.graph.borrow_mut().provides.insert(key, v);
    }

    pub(crate) fn reach_memo(&self, key: &(String, String)) -> Option<crate::render::Reach> {
        self.graph.borrow().reach.get(key).cloned()
    }

    pub(crate) fn set_reach_memo(&self, key: (String, String), r: crate::render::Reach) {
        self.graph.borrow_mut().reach.insert(key, r);
    }

    /// The specifier `from` should use to import `target`: through the alias when the target lies
    /// under the alias folder, else a relative path. The extension is dropped.
    pub fn import_specifier(&self, from: &str, target: &str) -> String {
        let no_ext = strip_ext(target);
        if let Some(a) = &self.facts.alias {
            if let Some(rest) = no_ext.strip_prefix(a.target.as_str()) {
                return format!("{}{}", a.prefix, rest);
            }
        }
        relative(parent(from), &no_ext)
    }
}

/// A cheap handle on a parsed file.
pub struct ParsedRef(Rc<Result<Parsed, ParseError>>);

impl std::ops::Deref for ParsedRef {
    type Target = Parsed;
    fn deref(&self) -> &Parsed {
        self.0.as_ref().as_ref().expect("ParsedRef holds only parsed files")
    }
}

pub fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Resolve `.` and `..` of a key, keeping the `..` that climb above the root:
/// `apps/web/../../.github/ci.yml` → `.github/ci.yml`, `a/../../x` → `../x`.
pub fn normalize_key(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    parts.join("/")
}

/// How many folders above the app root a key lies (`../../.gitignore` → 2, `app/page.tsx` → 0).
pub fn levels_up(key: &str) -> usize {
    normalize_key(key).split('/').take_while(|p| *p == "..").count()
}

/// Resolve `.` and `..`; `None` when the path climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

pub fn strip_ext(path: &str) -> String {
    for ext in [".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts"] {
        if let Some(s) = path.strip_suffix(ext) {
            return s.to_string();
        }
    }
    path.to_string()
}

/// A `./`/`../` specifier from folder `from_dir` to `to` (both relative to the root).
pub fn relative(from_dir: &str, to: &str) -> String {
    let a: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let b: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let ups = a.len() - common;
    let mut s = String::new();
    if ups == 0 {
        s.push_str("./");
    } else {
        for _ in 0..ups {
            s.push_str("../");
        }
    }
    s.push_str(&b[common..].join("/"));
    s
}

/// Group files into a `HashMap` for callers that need fast lookups by name.
pub fn by_name<'a>(paths: impl Iterator<Item = &'a str>) -> HashMap<&'a str, &'a str> {
    paths.map(|p| (p.rsplit('/').next().unwrap_or(p), p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(alias: Option<(&str, &str)>, files: &[&str]) -> Project {
        let mut p =
            Project::new(ProjectFacts { alias: alias.map(|(a, t)| Alias { prefix: a.into(), target: t.into() }), typescript: true, ..Default::default() });
        for f in files {
            p.set_file(*f, "");
        }
        p
    }

    #[test]
    fn resolves_relative_and_alias_imports() {
        let p = project(Some(("@/", "src/")), &["src/lib/auth.ts", "src/components/A/index.tsx", "src/app/page.tsx"]);
        assert_eq!(p.resolve_import("src/app/page.tsx", "@/lib/auth").as_deref(), Some("src/lib/auth.ts"));
        assert_eq!(p.resolve_import("src/app/page.tsx", "../lib/auth").as_deref(), Some("src/lib/auth.ts"));
        assert_eq!(p.resolve_import("src/app/page.tsx", "@/components/A").as_deref(), Some("src/components/A/index.tsx"));
        assert_eq!(p.resolve_import("src/app/page.tsx", "next-auth"), None);
        assert_eq!(p.resolve_import("src/app/page.tsx", "../../../x"), None);
    }

    #[test]
    fn literal_prefilter_follows_changes() {
        let mut p = project(None, &["a.ts", "b.ts"]);
        p.set_file("a.ts", "useSession()");
        assert_eq!(p.source_files_containing("useSession").collect::<Vec<_>>(), vec!["a.ts"]);
        p.set_file("b.ts", "useSession()");
        p.set_file("a.ts", "nothing");
        assert_eq!(p.source_files_containing("useSession").collect::<Vec<_>>(), vec!["b.ts"]);
        p.remove_file("b.ts");
        assert!(p.source_files_containing("useSession").next().is_none());
        p.set_file(".env", "useSession");
        assert!(p.source_files_containing("useSession").next().is_none(), "only source files");
    }

    #[test]
    fn a_longer_needle_is_searched_within_the_files_of_a_shorter_one() {
        let mut p = project(None, &[]);
        p.set_file("a.ts", "getServerSession()");
        p.set_file("b.ts", "getServerSession(authOptions)");
        p.set_file("c.ts", "nothing");
        assert_eq!(p.source_files_containing("getServerSession").collect::<Vec<_>>(), vec!["a.ts", "b.ts"]);
        assert_eq!(p.source_files_containing("getServerSession()").collect::<Vec<_>>(), vec!["a.ts"]);
        assert_eq!(p.source_files_containing("Session(auth").collect::<Vec<_>>(), vec!["b.ts"]);
        p.set_file("c.ts", "getServerSession()");
        assert_eq!(p.source_files_containing("getServerSession()").collect::<Vec<_>>(), vec!["a.ts", "c.ts"]);
        assert_eq!(p.source_files_containing("ServerSession()").collect::<Vec<_>>(), vec!["a.ts", "c.ts"]);
    }

    #[test]
    fn indexed_literals_agree_with_a_plain_search() {
        // Texts built from pieces of the literals (overlapping, nested, at the edges), changed
        // between questions: every answer is what `str::contains` says.
        let pieces = ["getServerSession(", "auth", "Session", "(", "next-", "auth/next", "signIn:", "SECRET", "NEXTAUTH_", "x", "\n", "é", "de", "bug"];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut p = project(None, &[]);
        let mut texts: BTreeMap<String, String> = BTreeMap::new();
        let mut extra: Vec<&str> = INDEXED.to_vec();
        extra.extend(["Session(", "nextauth/", "xx", "é", "auth", "getServerSession()", "next-auth/nextx", "SECRETNEXTAUTH_"]);
        for round in 0..40 {
            let name = format!("f{}.ts", next(12));
            let text: String = (0..next(30)).map(|_| pieces[next(pieces.len())]).collect();
            p.set_file(name.clone(), text.as_str());
            texts.insert(name, text);
            if round % 3 == 0 {
                p.set_file(format!("d{round}.json"), "auth next-auth");
            }
            for l in &extra {
                let want: Vec<&str> = texts.iter().filter(|(_, t)| t.contains(*l)).map(|(k, _)| k.as_str()).collect();
                assert_eq!(p.source_files_containing(l).collect::<Vec<_>>(), want, "{l:?} after round {round}");
            }
        }
    }

    #[test]
    fn a_file_added_after_resolving_is_resolved_to() {
        let mut p = project(Some(("@/", "")), &["app/page.tsx"]);
        assert_eq!(p.resolve_import("app/page.tsx", "@/lib/auth"), None);
        p.set_file("lib/auth.ts", "export const authOptions = {};");
        assert_eq!(p.resolve_import("app/page.tsx", "@/lib/auth").as_deref(), Some("lib/auth.ts"));
        p.remove_file("lib/auth.ts");
        assert_eq!(p.resolve_import("app/page.tsx", "@/lib/auth"), None);
    }

    #[test]
    fn the_project_style_follows_changes() {
        let mut p = project(None, &[]);
        p.set_file("a.ts", "import x from 'x'\nconst y = 1\n");
        assert!(!p.project_style().double_quotes);
        p.set_file("a.ts", "import x from \"x\";\n");
        assert!(p.project_style().double_quotes);
        assert!(!p.has_dir("app"));
        p.set_file("app/page.tsx", "");
        assert!(p.has_dir("app") && !p.has_dir("ap") && !p.has_dir("app/page.tsx"));
    }

    #[test]
    fn derived_values_are_shared_between_projects_holding_the_same_file() {
        let cache = Arc::new(SharedDerived::default());
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let len = |p: &Project, f: &str| {
            *p.derived(f, |t| {
                calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                t.len()
            })
            .unwrap()
        };
        let mut a = project(None, &[]);
        let mut b = project(None, &[]);
        a.share_derived(cache.clone());
        b.share_derived(cache.clone());
        a.set_file("../.github/workflows/ci.yml", "abc");
        b.set_file("../.github/workflows/ci.yml", "abc");
        assert_eq!((len(&a, "../.github/workflows/ci.yml"), len(&b, "../.github/workflows/ci.yml")), (3, 3));
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 1, "made once for both");
        b.set_file("../.github/workflows/ci.yml", "abcd");
        assert_eq!(len(&b, "../.github/workflows/ci.yml"), 4, "another text, another value");
        b.set_file("x.yml", "abc");
        assert_eq!(len(&b, "x.yml"), 3);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 3, "another path, another value");
        assert_eq!(len(&a.clone(), "../.github/workflows/ci.yml"), 3);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 3, "a clone shares the cache");
    }

    #[test]
    fn git_answers_come_when_first_asked() {
        let mut p = project(None, &[".env.local"]);
        assert_eq!((p.is_tracked(".env.local"), p.is_git_ignored(".env.local")), (false, None), "no answer: outside git");
        p.facts.git_tracked = Some(vec![".env.local".into()]);
        assert!(p.is_tracked(".env.local"), "the facts, when given");
        let asked = std::rc::Rc::new(std::cell::Cell::new(0));
        let a = asked.clone();
        p.git_later(move || {
            a.set(a.get() + 1);
            GitAnswer { tracked: Some(vec![]), ignored: Some(vec![".env.local".into()]) }
        });
        assert_eq!(asked.get(), 0, "not asked before a rule needs it");
        assert!(!p.is_tracked(".env.local") && p.is_git_ignored(".env.local") == Some(true));
        assert_eq!(p.git_tracked(), Some(&[][..]));
        let copy = p.clone();
        assert_eq!(copy.git_ignored(), Some(&[".env.local".to_string()][..]), "a copy has the answers");
        assert_eq!(asked.get(), 1, "asked once");
    }

    #[test]
    fn text_tests_are_answered_once_until_the_file_changes() {
        let mut p = project(None, &[]);
        p.set_file("a.ts", "x");
        let calls = std::cell::Cell::new(0);
        let test = |t: &str| {
            calls.set(calls.get() + 1);
            t.contains('x')
        };
        assert!(p.text_test("a.ts", "has x", test) && p.text_test("a.ts", "has x", test));
        assert_eq!(calls.get(), 1);
        assert!(!p.text_test("a.ts", "has y", |t| t.contains('y')), "another test, its own answer");
        p.set_file("a.ts", "y");
        assert!(!p.text_test("a.ts", "has x", test) && p.text_test("a.ts", "has y", |t| t.contains('y')));
        assert_eq!(calls.get(), 2);
        assert!(!p.text_test("missing.ts", "has x", test));
    }

    #[test]
    fn derived_values_are_kept_until_the_file_changes() {
        let mut p = project(None, &[]);
        p.set_file(".github/workflows/ci.yml", "a");
        let calls = std::cell::Cell::new(0);
        let len = |p: &Project| {
            *p.derived(".github/workflows/ci.yml", |t| {
                calls.set(calls.get() + 1);
                t.len()
            })
            .unwrap()
        };
        assert_eq!((len(&p), len(&p), calls.get()), (1, 1, 1));
        p.set_file(".github/workflows/ci.yml", "abc");
        assert_eq!((len(&p), calls.get()), (3, 2));
        assert!(p.derived("missing.yml", |_| 0).is_none());
    }

    #[test]
    fn keys_above_the_app() {
        assert_eq!(normalize_key("apps/web/../../.github/workflows/ci.yml"), ".github/workflows/ci.yml");
        assert_eq!(normalize_key("web/../../.env"), "../.env");
        assert_eq!(normalize_key("./../../.gitignore"), "../../.gitignore");
        assert_eq!(normalize_key("app/./page.tsx"), "app/page.tsx");
        assert_eq!(levels_up("../../.gitignore"), 2);
        assert_eq!(levels_up(".gitignore"), 0);
        assert_eq!(normalize("../x"), None, "normalize still refuses to climb");
        let p = project(None, &["../../.github/workflows/ci.yml", "../../.env.example", "app/page.tsx"]);
        assert_eq!(p.data_files().collect::<Vec<_>>(), vec!["../../.env.example", "../../.github/workflows/ci.yml"]);
        assert_eq!(p.app_dir(), Some("app"));
    }

    #[test]
    fn the_app_router_folder_holds_route_files() {
        // A monorepo package that depends on next, with a widget folder named `app`.
        let p = project(None, &["src/app/component.tsx", "src/app/index.ts", "src/app/ping/ping-dot.tsx", "src/index.ts"]);
        assert_eq!(p.app_dir(), None);
        let p = project(None, &["src/app/layout.tsx", "src/app/page.tsx", "src/lib/auth.ts"]);
        assert_eq!(p.app_dir(), Some("src/app"));
        // Next ignores `src/` when the root has an app folder of its own.
        let p = project(None, &["app/api/auth/[...nextauth]/route.ts", "src/app/page.tsx"]);
        assert_eq!(p.app_dir(), Some("app"));
        let p = project(None, &["app/page.test.tsx", "app/utils.ts"]);
        assert_eq!(p.app_dir(), None);
    }

    #[test]
    fn import_specifiers() {
        let p = project(Some(("@/", "")), &[]);
        assert_eq!(p.import_specifier("app/dashboard/page.tsx", "lib/auth.ts"), "@/lib/auth");
        let p = project(None, &[]);
        assert_eq!(p.import_specifier("app/dashboard/page.tsx", "lib/auth.ts"), "../../lib/auth");
        assert_eq!(p.import_specifier("app/layout.tsx", "app/providers.tsx"), "./providers");
        assert_eq!(p.import_specifier("src/app/api/auth/[...nextauth]/route.ts", "src/lib/auth.ts"), "../../../../lib/auth");
    }
}
