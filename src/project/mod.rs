//! Project discovery, shared by `fix`/`check`, `init` and `doctor --project`: finding the Next.js
//! app(s) under PATH with the one walker ([`walk`]), their git and workspace roots ([`roots`]),
//! versions and alias ([`deps`]), and loading what the rules read — the app's files, and the env
//! files, `.gitignore` files, workflows and workspace config of the folders above it, keyed with
//! `../` segments.
pub mod deps;
pub mod roots;
pub mod walk;
pub mod workspace;

use anyhow::{bail, Context, Result};
use authfix_transforms::parse::is_source_path;
use authfix_transforms::ProjectFacts;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub struct App {
    /// Absolute app root.
    pub root: PathBuf,
    /// The app root relative to the scan root, with a trailing `/` (empty for the root itself).
    pub prefix: String,
    pub roots: roots::Roots,
    pub facts: ProjectFacts,
    /// The non-source files the rules read, read by the scan (they are few and small): env files,
    /// `.gitignore`, `package.json`, Docker/Compose files, workflows, tsconfig/jsconfig and the
    /// files they extend. Path relative to the app root → file (`../` for the folders above it).
    pub data: BTreeMap<String, LoadedFile>,
    /// The app's source files the walk found (keys relative to the app root): their texts are
    /// read by [`Scan::load`] when the app is analysed, and let go when it is done.
    sources: Listing,
    /// Its place in [`Scan::apps`].
    index: usize,
}

impl App {
    /// An app file's path as shown and written: relative to the scan root, normalised
    /// (`apps/web/` + `../../.github/workflows/ci.yml` → `.github/workflows/ci.yml`). A file above
    /// the scan root keeps its leading `../`, and is never written.
    pub fn display(&self, key: &str) -> String {
        authfix_transforms::project::normalize_key(&format!("{}{key}", self.prefix))
    }

    /// The keys of the app's source files, sorted.
    pub fn sources(&self) -> Vec<String> {
        self.sources.keys()
    }

    /// How many files the app has for the rules (sources and data files), before any is read.
    pub fn file_count(&self) -> usize {
        self.sources.len + self.data.len()
    }
}

/// Sorted keys, front-coded (each stores how many leading bytes it shares with the one before,
/// then the rest): a monorepo's listing of tens of thousands of paths costs a fraction of them.
#[derive(Default)]
struct Listing {
    bytes: Vec<u8>,
    len: usize,
    last: String,
}

impl Listing {
    /// Add a key, after every key before it in sort order.
    fn push(&mut self, key: &str) {
        let shared = self.last.bytes().zip(key.bytes()).take_while(|(a, b)| a == b).count().min(u16::MAX as usize);
        // (On a character boundary of both: the rest is then valid UTF-8.)
        let shared = (0..=shared).rev().find(|&n| key.is_char_boundary(n)).unwrap_or(0);
        self.bytes.extend_from_slice(&(shared as u16).to_le_bytes());
        self.bytes.extend_from_slice(&key.as_bytes()[shared..]);
        self.bytes.push(0);
        self.last.truncate(shared);
        self.last.push_str(&key[shared..]);
        self.len += 1;
    }

    fn finish(&mut self) {
        self.bytes.shrink_to_fit();
        self.last = String::new();
    }

    fn keys(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(self.len);
        let mut b = &self.bytes[..];
        while b.len() >= 2 {
            let shared = u16::from_le_bytes([b[0], b[1]]) as usize;
            let end = memchr::memchr(0, &b[2..]).map_or(b.len(), |e| e + 2);
            let mut k = out.last().map_or(String::new(), |p| p[..shared].to_string());
            k.push_str(std::str::from_utf8(&b[2..end]).unwrap_or(""));
            out.push(k);
            b = &b[(end + 1).min(b.len())..];
        }
        out
    }
}

#[derive(Clone)]
pub struct LoadedFile {
    /// The text without BOM (shared with the rules' project: never copied).
    pub text: std::sync::Arc<str>,
    pub bom: bool,
}

impl LoadedFile {
    /// The exact content read (BOM included), to check nothing changed on disk before writing.
    pub fn original(&self) -> String {
        if self.bom {
            format!("\u{feff}{}", self.text)
        } else {
            self.text.to_string()
        }
    }
}

/// Read a file as UTF-8 text, splitting off a BOM. Read through a buffer kept per thread and
/// copied once into the shared text (`std::fs::read` would also ask for the file's size first: one
/// more system call for each of the thousands of files of a monorepo).
fn read_text(path: &Path) -> Result<LoadedFile, String> {
    read_file(std::fs::File::open(path).map_err(|e| e.to_string())?)
}

/// An open folder whose files are opened by a path relative to it (`openat`): the kernel then
/// resolves only the path below the folder, not every component above it again for each of an
/// app's hundreds of files.
struct Folder {
    #[cfg(unix)]
    fd: Option<std::os::fd::OwnedFd>,
    path: PathBuf,
}

impl Folder {
    fn open(path: &Path) -> Folder {
        #[cfg(unix)]
        {
            use std::os::fd::FromRawFd;
            use std::os::unix::ffi::OsStrExt;
            let fd = std::ffi::CString::new(path.as_os_str().as_bytes()).ok().and_then(|c| {
                // SAFETY: a NUL-terminated path; the descriptor returned is owned here.
                let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) };
                (fd >= 0).then(|| unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
            });
            Folder { fd, path: path.to_path_buf() }
        }
        #[cfg(not(unix))]
        Folder { path: path.to_path_buf() }
    }

    /// Read `rel` (a relative path with `/` separators, no `..`) below the folder.
    fn read(&self, rel: &str) -> Result<LoadedFile, String> {
        #[cfg(unix)]
        if let (Some(fd), Ok(c)) = (&self.fd, std::ffi::CString::new(rel)) {
            use std::os::fd::{AsRawFd, FromRawFd};
            // SAFETY: a NUL-terminated relative path and an open folder descriptor; the file
            // descriptor returned is owned by the `File`.
            let f = unsafe { libc::openat(fd.as_raw_fd(), c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
            if f < 0 {
                return Err(std::io::Error::last_os_error().to_string());
            }
            return read_file(unsafe { std::fs::File::from_raw_fd(f) });
        }
        read_text(&self.path.join(rel))
    }
}

fn read_file(mut file: std::fs::File) -> Result<LoadedFile, String> {
    use std::io::Read;
    thread_local!(static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) });
    BUF.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        buf.reserve(64 << 10);
        // (`Take` reads to the end without asking for the size.)
        (&mut file).take(u64::MAX).read_to_end(&mut buf).map_err(|e| e.to_string())?;
        let s = std::str::from_utf8(&buf).map_err(|_| "not UTF-8 text".to_string())?;
        let f = match s.strip_prefix('\u{feff}') {
            Some(t) => LoadedFile { text: t.into(), bom: true },
            None => LoadedFile { text: s.into(), bom: false },
        };
        if buf.capacity() > 1 << 20 {
            *buf = Vec::new(); // a large file's buffer is not kept
        }
        Ok(f)
    })
}

/// A file that could not be read, with the reason.
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

pub struct Scan {
    pub apps: Vec<App>,
    /// What the walk and the data files could not read (each app's unreadable sources are found
    /// when it is loaded: [`Loaded::skipped`]).
    pub skipped: Vec<Skipped>,
    /// Workspace packages, read once per scan however many apps import them.
    packages: std::sync::Mutex<workspace::Loader>,
    git: std::sync::Arc<std::sync::Mutex<GitAnswers>>,
    /// Whether some app read an env file or a workflow: otherwise git's answers are not used.
    git_files: bool,
    /// What the rules derive from files the apps share (the repository's workflows), made once.
    derived: std::sync::Arc<authfix_transforms::project::SharedDerived>,
}

/// Everything the rules read for one app: its data files and source texts, and the workspace
/// packages it imports. Made by [`Scan::load`] for the time the app is analysed.
pub struct Loaded<'a> {
    pub app: &'a App,
    /// Path relative to the app root → file: the data files and the sources.
    pub files: BTreeMap<String, LoadedFile>,
    /// Files of the workspace packages the app imports, keyed from the app root
    /// (`../../packages/ui/src/providers.tsx`): read by the module graph only.
    pub library: workspace::Files,
    /// `(npm name, folder key)` of those packages, for the resolver.
    pub links: workspace::Links,
    /// Sources that could not be read, with the reason.
    pub skipped: Vec<Skipped>,
    /// Which of its env files and workflows git tracks or ignores, when git has answered.
    pub git: GitLater,
    /// The scan's cache of what the rules derive from files (for [`Project::share_derived`]).
    ///
    /// [`Project::share_derived`]: authfix_transforms::Project::share_derived
    pub derived: std::sync::Arc<authfix_transforms::project::SharedDerived>,
}

impl Scan {
    /// Read one app's sources (in parallel when `parallel`; callers analysing several apps at once
    /// read each app on one thread, so at most one app per thread is in memory) and the workspace
    /// packages it imports.
    pub fn load<'a>(&self, app: &'a App, parallel: bool) -> Loaded<'a> {
        use rayon::prelude::*;
        let keys = app.sources();
        let folder = Folder::open(&app.root);
        let read = |k: &String| folder.read(k);
        let texts: Vec<Result<LoadedFile, String>> = if parallel { keys.par_iter().map(read).collect() } else { keys.iter().map(read).collect() };
        let mut files = app.data.clone();
        let mut skipped = Vec::new();
        for (k, r) in keys.into_iter().zip(texts) {
            match r {
                Ok(f) => {
                    files.insert(k, f);
                }
                Err(reason) => skipped.push(Skipped { path: app.display(&k), reason }),
            }
        }
        let (links, library) = match &app.roots.workspace {
            Some(ws) => {
                let texts: Vec<&str> = files.values().map(|f| &*f.text).collect();
                // (The lock is not held while the texts are searched: the other workers load
                // their apps meanwhile.)
                let declared = self.packages.lock().unwrap_or_else(|e| e.into_inner()).declared(ws);
                let hit = workspace::mentioned_by_app(&declared, &app.root, &texts);
                self.packages.lock().unwrap_or_else(|e| e.into_inner()).load_mentioned(&app.root, &declared, hit)
            }
            None => Default::default(),
        };
        let git = self.git_later(app.index);
        Loaded { app, files, library, links, skipped, git, derived: self.derived.clone() }
    }
}

fn facts_for(locks: &deps::LockTexts, root: &Path, pkg: &serde_json::Value, roots: &roots::Roots) -> ProjectFacts {
    let ws = roots.workspace.as_deref();
    ProjectFacts {
        next_version: deps::version_of_in(locks, root, ws, pkg, "next").and_then(|v| deps::parse_version(&v)),
        auth_major: deps::auth_major_in(locks, root, ws, pkg),
        src_dir: root.join("src/app").is_dir() || root.join("src/pages").is_dir(),
        alias: deps::read_alias(root),
        typescript: root.join("tsconfig.json").is_file(),
        app_path: roots.app_path(root),
        versions: deps::versions(locks, root, ws, pkg),
        ..Default::default()
    }
}

/// `p`, a path the walk of `root` found, relative to `root` as UTF-8 (`None` when it is not): the
/// walk joins names to `root`, so its bytes start with `root`'s and a separator. (A byte
/// comparison: `Path::strip_prefix` parses both paths into components, for each of the tens of
/// thousands of files of a monorepo.)
fn below<'a>(root: &Path, p: &'a Path) -> Option<&'a str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let r = root.as_os_str().as_bytes();
        let rest = p.as_os_str().as_bytes().strip_prefix(r).and_then(|rest| if r.ends_with(b"/") { Some(rest) } else { rest.strip_prefix(b"/") });
        if let Some(rest) = rest {
            return std::str::from_utf8(rest).ok();
        }
    }
    p.strip_prefix(root).ok().and_then(|r| r.to_str())
}

fn rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).to_string_lossy().replace('\\', "/")
}

/// Walk PATH once (honouring .gitignore, skipping dependency and build folders, never following
/// symlinks), find every app, list its source files and load its data files. Source texts are
/// read later, one app at a time ([`Scan::load`]).
pub fn scan(path: &Path) -> Result<Scan> {
    let root = path.canonicalize().with_context(|| format!("cannot open {}", path.display()))?;
    if !root.is_dir() {
        bail!("{} is not a folder", path.display());
    }
    // Inside a git work tree, git's top for the scan root is asked while the tree is walked (see
    // `ask_git`).
    let early_top = root.ancestors().any(|d| d.join(".git").exists()).then(|| {
        let root = root.clone();
        std::thread::spawn(move || crate::git::toplevel(&root))
    });
    // One parallel walk (as ripgrep does): what each thread finds is merged at the end.
    #[derive(Default)]
    struct Found {
        app_roots: Vec<(PathBuf, serde_json::Value)>,
        /// Named packages (`package.json` with a `name`): the workspace packages, when the
        /// workspace root lies inside the scan.
        packages: Vec<workspace::Package>,
        /// Source files, relative to the scan root, each followed by `\0` (one buffer per walk
        /// thread: a monorepo has tens of thousands).
        sources: Vec<String>,
        skipped: Vec<Skipped>,
    }
    let found = std::sync::Mutex::new(Found::default());
    let walker = walk::walker(&root).build_parallel();
    walker.run(|| {
        let root = &root;
        let found = &found;
        struct Flush<'a>(&'a std::sync::Mutex<Found>, Found);
        impl Drop for Flush<'_> {
            fn drop(&mut self) {
                let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
                g.app_roots.append(&mut self.1.app_roots);
                g.packages.append(&mut self.1.packages);
                g.sources.append(&mut self.1.sources);
                g.skipped.append(&mut self.1.skipped);
            }
        }
        let mut flush = Flush(found, Found { sources: vec![String::new()], ..Default::default() });
        Box::new(move |entry| {
            let local = &mut flush.1;
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    local.skipped.push(Skipped { path: String::new(), reason: err.to_string() });
                    return ignore::WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else { return ignore::WalkState::Continue };
            let p = entry.path();
            if ft.is_symlink() {
                // Never follow a link: it may lead out of the project, or in a loop. Say so.
                let reason = match std::fs::metadata(p) {
                    Err(_) => "broken symbolic link (or a link loop); not followed",
                    Ok(_) => "symbolic link; not followed (authfix never leaves the project through a link)",
                };
                local.skipped.push(Skipped { path: rel(root, p), reason: reason.into() });
                return ignore::WalkState::Continue;
            }
            if !ft.is_file() {
                return ignore::WalkState::Continue;
            }
            let name = entry.file_name();
            if name == "package.json" {
                if let Ok(text) = std::fs::read_to_string(p) {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                        let dir = p.parent().unwrap();
                        if let Some(n) = v.get("name").and_then(|n| n.as_str()).filter(|n| !n.is_empty()) {
                            local.packages.push(workspace::Package { name: n.to_string(), dir: dir.to_path_buf() });
                        }
                        if deps::depends_on(&v, "next") {
                            local.app_roots.push((dir.to_path_buf(), v));
                        }
                    }
                }
            } else if name.to_str().is_some_and(is_source_path) {
                match below(root, p) {
                    Some(r) => {
                        let buf = &mut local.sources[0];
                        if cfg!(windows) {
                            buf.push_str(&r.replace('\\', "/"));
                        } else {
                            buf.push_str(r);
                        }
                        buf.push('\0');
                    }
                    None => local.skipped.push(Skipped { path: rel(root, p), reason: "the file name is not UTF-8; left untouched".into() }),
                }
            }
            ignore::WalkState::Continue
        })
    });
    let Found { mut app_roots, packages: named, sources: buffers, mut skipped } = found.into_inner().unwrap_or_else(|e| e.into_inner());
    // What is kept of the walk is copied here: allocations the walk's threads made and the scan
    // keeps would pin pages of theirs (the walk's transient memory) for the whole run.
    let named: Vec<workspace::Package> = named.to_vec();
    let mut skipped: Vec<Skipped> = skipped.drain(..).map(|s| Skipped { path: s.path.as_str().into(), reason: s.reason.as_str().into() }).collect();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    app_roots.sort_by_key(|a| std::cmp::Reverse(a.0.components().count()));
    let mut finder = roots::Finder::default();
    let roots: Vec<roots::Roots> = app_roots.iter().map(|(r, _)| finder.roots(r)).collect();
    let prefixes: Vec<String> = app_roots
        .iter()
        .map(|(r, _)| match rel(&root, r) {
            p if p.is_empty() => p,
            p => format!("{p}/"),
        })
        .collect();
    // Each app's versions, alias and folders, read in parallel (its lockfiles, tsconfig), while
    // the walk's files are split between the apps.
    use rayon::prelude::*;
    let locks = deps::LockTexts::default();
    let (facts, listed): (Vec<ProjectFacts>, Vec<Listing>) = crate::analyze::pool().install(|| {
        rayon::join(
            || app_roots.par_iter().zip(roots.par_iter()).map(|((r, pkg), roots)| facts_for(&locks, r, pkg, roots)).collect(),
            || split_sources(buffers, &prefixes),
        )
    });
    let mut apps: Vec<App> = app_roots
        .iter()
        .zip(roots)
        .zip(facts)
        .zip(prefixes.into_iter().zip(listed))
        .map(|((((r, _), roots), facts), (prefix, sources))| App { root: r.clone(), prefix, facts, roots, data: BTreeMap::new(), sources, index: 0 })
        .collect();
    // Git is asked about the data files from their names, while they are read (its answers are
    // then kept for the files that were read: see `Scan::git_facts`).
    let mut shared = Shared::default();
    let names: Vec<Vec<String>> = apps.iter().map(|a| data_names(a, &mut shared.listings)).collect();
    let mut order: Vec<usize> = (0..apps.len()).collect();
    order.sort_by(|&a, &b| apps[a].prefix.cmp(&apps[b].prefix));
    let asks: Vec<GitAsk> = order.iter().map(|&i| git_ask(&apps[i], &names[i])).collect();
    let git = std::sync::Arc::new(std::sync::Mutex::new(GitAnswers::Pending(std::thread::spawn(move || ask_git(asks, early_top)))));
    for (app, names) in apps.iter_mut().zip(names) {
        for n in names {
            load_one(app, n, &mut skipped, &mut shared);
        }
        load_tsconfig_chain(app, &mut skipped, &mut shared);
    }
    apps.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    for (i, app) in apps.iter_mut().enumerate() {
        app.index = i;
    }
    let git_files = apps.iter().any(|a| a.data.keys().any(|k| is_git_question(k)));
    Ok(Scan { apps, skipped, packages: std::sync::Mutex::new(workspace::Loader::new(&root, named)), git, git_files, derived: Default::default() })
}

/// The walk's source files (each followed by `\0`, relative to the scan root) split between the
/// apps whose `prefixes` are given: each file goes to the deepest app containing it, its nearest
/// folder that is an app root. Keys are relative to the app root.
fn split_sources(buffers: Vec<String>, prefixes: &[String]) -> Vec<Listing> {
    let mut sources: Vec<&str> = buffers.iter().flat_map(|b| b.split_terminator('\0')).collect();
    sources.sort_unstable();
    let by_prefix: HashMap<&str, usize> = prefixes.iter().enumerate().map(|(i, p)| (p.trim_end_matches('/'), i)).collect();
    let mut listed: Vec<Listing> = (0..prefixes.len()).map(|_| Listing::default()).collect();
    // (Sorted, so a folder's files come together: its owner is looked up once.)
    let mut last: (&str, Option<(usize, usize)>) = ("\0", None);
    for src in &sources {
        let dir = src.rfind('/').map_or("", |i| &src[..i]);
        if dir != last.0 {
            let owner = std::iter::once(dir)
                .chain(dir.rmatch_indices('/').map(|(i, _)| &dir[..i]))
                .chain((!dir.is_empty()).then_some(""))
                .find_map(|d| by_prefix.get(d).map(|&o| (o, d.len())));
            last = (dir, owner);
        }
        if let Some((o, len)) = last.1 {
            listed[o].push(if len == 0 { &src[..] } else { &src[len + 1..] });
        }
    }
    for l in &mut listed {
        l.finish();
    }
    listed
}

/// `path` with its `..` segments applied to the segments before them (no file-system access: the
/// scan's paths come from a canonical root, so no link is crossed).
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

fn load_one(app: &mut App, relp: String, skipped: &mut Vec<Skipped>, shared: &mut Shared) {
    let path = app.root.join(&relp);
    let read = || match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_file() => Some(read_text(&path)),
        _ => None,
    };
    // A file of the folders above the app is read once for all the apps below them.
    let r = if relp.starts_with("../") { shared.texts.entry(lexical(&path)).or_insert_with(read).clone() } else { read() };
    match r {
        None => {}
        Some(Ok(f)) => {
            app.data.insert(relp, f);
        }
        Some(Err(reason)) => skipped.push(Skipped { path: app.display(&relp), reason }),
    }
}

/// What the data files of a scan's apps share: folder listings, and the texts of the files above
/// the apps (a monorepo's root `.gitignore`, env files and workflows), read once.
#[derive(Default)]
struct Shared {
    listings: Listings,
    texts: HashMap<PathBuf, Option<Result<LoadedFile, String>>>,
}

/// Folder listings, read once per folder for all apps (the folders above apps are shared).
#[derive(Default)]
struct Listings(HashMap<PathBuf, Vec<String>>);

impl Listings {
    fn names(&mut self, dir: &Path) -> &[String] {
        self.0.entry(dir.to_path_buf()).or_insert_with(|| {
            let mut v: Vec<String> =
                std::fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
            v.sort();
            v
        })
    }
}

/// `Dockerfile` and Compose files: a self-hosted app's environment is often set there.
fn is_container_config(n: &str) -> bool {
    n == "Dockerfile" || ["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"].contains(&n)
}

/// `tsconfig.json`, `tsconfig.*.json`, `jsconfig.json`: how the app's imports resolve.
fn is_ts_config(n: &str) -> bool {
    (n.starts_with("tsconfig") || n.starts_with("jsconfig")) && n.ends_with(".json")
}

/// The files the app's tsconfig `extends` by a relative path (`../../tsconfig.base.json`), up to
/// the outermost root, keyed with `../` segments; packages it extends come with the workspace
/// packages, and presets from `node_modules` are left out (the resolver then drops them).
fn load_tsconfig_chain(app: &mut App, skipped: &mut Vec<Skipped>, shared: &mut Shared) {
    let top = app.roots.outermost().unwrap_or(&app.root).to_path_buf();
    let mut pending: Vec<String> = app.data.keys().filter(|k| !k.contains('/') && is_ts_config(k)).cloned().collect();
    let mut seen = 0;
    while let Some(key) = pending.pop() {
        seen += 1;
        if seen > 16 {
            break; // a chain this long (or a loop) gains nothing more
        }
        let Some(text) = app.data.get(&key).map(|f| f.text.clone()) else { continue };
        let Ok(Some(jsonc_parser::JsonValue::Object(o))) = jsonc_parser::parse_to_value(&text, &Default::default()) else { continue };
        let specs: Vec<String> = match o.get("extends") {
            Some(jsonc_parser::JsonValue::String(s)) => vec![s.to_string()],
            Some(jsonc_parser::JsonValue::Array(a)) => {
                a.iter().filter_map(|v| if let jsonc_parser::JsonValue::String(s) = v { Some(s.to_string()) } else { None }).collect()
            }
            _ => continue,
        };
        let dir = authfix_transforms::project::parent(&key).to_string();
        for spec in specs.iter().filter(|s| s.starts_with("./") || s.starts_with("../")) {
            let joined = if dir.is_empty() { spec.clone() } else { format!("{dir}/{spec}") };
            let mut k = authfix_transforms::project::normalize_key(&joined);
            if !app.root.join(&k).is_file() && app.root.join(format!("{k}.json")).is_file() {
                k.push_str(".json");
            }
            let Ok(abs) = app.root.join(&k).canonicalize() else { continue };
            if !abs.starts_with(&top) || app.data.contains_key(&k) {
                continue;
            }
            load_one(app, k.clone(), skipped, shared);
            pending.push(k);
        }
    }
}

/// `README.md` in any case: where an app documents its variables when it has no template.
fn is_readme(n: &str) -> bool {
    n.eq_ignore_ascii_case("readme.md")
}

fn is_env_name(n: &str) -> bool {
    authfix_transforms::dotenv::is_env_file(n)
}

fn workflow_names(listings: &mut Listings, dir: &Path, up: &str) -> Vec<String> {
    listings
        .names(&dir.join(".github/workflows"))
        .iter()
        .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
        .map(|n| format!("{up}.github/workflows/{n}"))
        .collect()
}

/// The non-source files some rules read: in the app root, env files (even when gitignored),
/// `.gitignore`, `package.json`, `Dockerfile`/Compose files, `README.md` and
/// `.github/workflows/*.yml`; in each folder above it up to the outermost root, env files,
/// `.gitignore`, `Dockerfile`/Compose files and `README.md`; at the workspace root also `package.json` and `turbo.json`; at the git root its
/// workflows (where GitHub runs them from).
fn data_names(app: &App, listings: &mut Listings) -> Vec<String> {
    let mut names: Vec<String> = listings
        .names(&app.root)
        .iter()
        .filter(|n| is_env_name(n) || *n == ".gitignore" || *n == "package.json" || is_container_config(n) || is_ts_config(n) || is_readme(n))
        .cloned()
        .collect();
    names.extend(workflow_names(listings, &app.root, ""));
    for (dir, up) in app.roots.outer_dirs(&app.root) {
        let ws = app.roots.workspace.as_deref() == Some(dir.as_path());
        let here: Vec<String> = listings
            .names(&dir)
            .iter()
            .filter(|n| is_env_name(n) || *n == ".gitignore" || is_container_config(n) || is_readme(n) || (ws && (*n == "package.json" || *n == "turbo.json")))
            .map(|n| format!("{up}{n}"))
            .collect();
        names.extend(here);
        if app.roots.git.as_deref() == Some(dir.as_path()) {
            names.extend(workflow_names(listings, &dir, &up));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// What git says about one app's files, for the rules (see [`ProjectFacts::git_tracked`] and
/// [`ProjectFacts::git_ignored`]).
#[derive(Clone, Debug, Default)]
pub struct GitFacts {
    pub tracked: Option<Vec<String>>,
    pub ignored: Option<Vec<String>>,
}

/// Git's answers for the apps of a scan: asked on a thread of their own while the apps' sources
/// are read, waited for by the first rule that needs them.
enum GitAnswers {
    Pending(std::thread::JoinHandle<Vec<GitFacts>>),
    Ready(Vec<GitFacts>),
}

/// One app's answers from git, to be waited for when a rule asks ([`Project::git_later`]).
///
/// [`Project::git_later`]: authfix_transforms::Project::git_later
#[derive(Clone)]
pub struct GitLater {
    answers: std::sync::Arc<std::sync::Mutex<GitAnswers>>,
    index: usize,
    /// The app's env files and workflows that were read (`None`: no app read any, git's answers
    /// are not used).
    read: Option<Vec<String>>,
}

impl GitLater {
    /// Wait for git and give the app's answers.
    pub fn answer(self) -> GitFacts {
        let Some(read) = self.read else { return GitFacts::default() };
        let mut g = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        if let GitAnswers::Pending(_) = &*g {
            let GitAnswers::Pending(h) = std::mem::replace(&mut *g, GitAnswers::Ready(Vec::new())) else { unreachable!() };
            *g = GitAnswers::Ready(h.join().unwrap_or_default());
        }
        let GitAnswers::Ready(v) = &*g else { return GitFacts::default() };
        let Some(facts) = v.get(self.index) else { return GitFacts::default() };
        // Git was asked from the names listed: keep what concerns the files read, and the app's
        // `.env` and `.env.local` (asked about even when absent).
        let kept =
            |list: &Option<Vec<String>>| list.as_ref().map(|l| l.iter().filter(|k| read.contains(*k) || *k == ".env" || *k == ".env.local").cloned().collect());
        GitFacts { tracked: kept(&facts.tracked), ignored: kept(&facts.ignored) }
    }
}

impl Scan {
    /// Git's answers for the app at `index` in [`Scan::apps`], when they come.
    fn git_later(&self, index: usize) -> GitLater {
        let app = &self.apps[index];
        let read = self.git_files.then(|| app.data.keys().filter(|k| is_git_question(k)).cloned().collect());
        GitLater { answers: self.git.clone(), index, read }
    }
}

/// What to ask git about one app: its git root and root, the keys of its env files and workflows
/// (all in `data`), and whether its `.env` / `.env.local` exist.
struct GitAsk {
    git: Option<PathBuf>,
    root: PathBuf,
    keys: Vec<String>,
    has_env: [bool; 2],
}

/// Whether git is asked about a data file: env files and workflows.
fn is_git_question(key: &str) -> bool {
    let rest = key.trim_start_matches("../");
    rest.starts_with(".env") || rest.starts_with(".github/")
}

fn git_ask(app: &App, names: &[String]) -> GitAsk {
    GitAsk {
        git: app.roots.git.clone(),
        root: app.root.clone(),
        keys: names.iter().filter(|k| is_git_question(k)).cloned().collect(),
        has_env: [names.iter().any(|n| n == ".env"), names.iter().any(|n| n == ".env.local")],
    }
}

/// Which env files and workflows git tracks, and which env files it ignores (the app's `.env`
/// and `.env.local` too, existing or not), for the rules. Asked once per work tree, and only when
/// some app has such files (only `git rev-parse` may have run, in a work tree, during the walk).
fn ask_git(asks: Vec<GitAsk>, early_top: Option<std::thread::JoinHandle<Option<PathBuf>>>) -> Vec<GitFacts> {
    let mut out = vec![GitFacts::default(); asks.len()];
    if asks.iter().all(|a| a.keys.is_empty()) {
        return out;
    }
    // The top of a work tree is the folder holding `.git` (what the roots found), unless git is
    // told otherwise (`GIT_DIR`, `core.worktree`): ask git for it while asking the questions
    // themselves, and ask again from the top it names when it names another.
    let guessed = groups(&asks, |g| Some(g.to_path_buf()));
    // (The scan root's top, asked while the tree was walked, confirms its own work tree.)
    let early = early_top.and_then(|h| h.join().ok().flatten());
    let replies: Vec<(Option<PathBuf>, Answers)> = std::thread::scope(|s| {
        let jobs: Vec<_> = guessed
            .iter()
            .map(|(top, items)| {
                let known = early.as_ref().filter(|t| *t == top).cloned();
                let real = s.spawn(move || known.or_else(|| crate::git::toplevel(top)));
                (real, s.spawn(move || answers(top, items)))
            })
            .collect();
        jobs.into_iter().map(|(real, a)| (real.join().ok().flatten(), a.join().unwrap_or((None, None)))).collect()
    });
    if guessed.iter().zip(&replies).all(|((top, _), (real, _))| real.as_ref() == Some(top)) {
        for ((_, items), (_, a)) in guessed.iter().zip(&replies) {
            record(&mut out, items, a);
        }
        return out;
    }
    let mut tops: HashMap<PathBuf, Option<PathBuf>> = guessed.keys().cloned().zip(replies.into_iter().map(|(real, _)| real)).collect();
    for (top, items) in groups(&asks, |g| tops.entry(g.to_path_buf()).or_insert_with(|| crate::git::toplevel(g)).clone()) {
        let a = answers(&top, &items);
        record(&mut out, &items, &a);
    }
    out
}

/// Per work tree top: (app index, key, path relative to the top, is an env file) to ask about.
type Groups = BTreeMap<PathBuf, Vec<(usize, String, String, bool)>>;
/// Which of a group's paths git tracks, and which of its env files git ignores.
type Answers = (Option<std::collections::BTreeSet<String>>, Option<std::collections::BTreeSet<String>>);

fn groups(asks: &[GitAsk], mut top_of: impl FnMut(&Path) -> Option<PathBuf>) -> Groups {
    let mut groups = Groups::new();
    for (i, app) in asks.iter().enumerate() {
        let Some(g) = &app.git else { continue };
        let Some(top) = top_of(g) else { continue };
        let Some(app_rel) = crate::git::relative_to(&top, &app.root) else { continue };
        let mut keys: Vec<(String, bool)> = app.keys.iter().map(|k| (k.clone(), k.trim_start_matches("../").starts_with(".env"))).collect();
        for (hypothetical, exists) in [".env", ".env.local"].into_iter().zip(app.has_env) {
            if !exists {
                keys.push((hypothetical.to_string(), true));
            }
        }
        for (k, env) in keys {
            let p = authfix_transforms::project::normalize_key(&if app_rel.is_empty() { k.clone() } else { format!("{app_rel}/{k}") });
            if !p.starts_with("..") {
                groups.entry(top.clone()).or_default().push((i, k, p, env));
            }
        }
    }
    groups
}

fn answers(top: &Path, items: &[(usize, String, String, bool)]) -> Answers {
    let all: Vec<String> = items.iter().map(|x| x.2.clone()).collect();
    let env: Vec<String> = items.iter().filter(|x| x.3).map(|x| x.2.clone()).collect();
    // Both questions at once; what git ignores counts only when it could say what it tracks.
    let (tracked, ignored) = std::thread::scope(|s| {
        let ignored = s.spawn(|| crate::git::ignored(top, &env));
        let tracked = crate::git::tracked(top, &all);
        (tracked, ignored.join().ok().flatten())
    });
    let ignored = tracked.as_ref().and(ignored);
    (tracked, ignored)
}

fn record(out: &mut [GitFacts], items: &[(usize, String, String, bool)], (tracked, ignored): &Answers) {
    for (i, k, p, _) in items {
        let facts = &mut out[*i];
        if let Some(t) = tracked {
            let list = facts.tracked.get_or_insert_with(Vec::new);
            if t.contains(p) {
                list.push(k.clone());
            }
        }
        if let Some(ig) = ignored {
            let list = facts.ignored.get_or_insert_with(Vec::new);
            if ig.contains(p) {
                list.push(k.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, f: &str, text: &str) {
        let p = root.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn git_answers_concern_the_files_read() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().canonicalize().unwrap();
        let git = |args: &[&str]| assert!(std::process::Command::new("git").arg("-C").arg(&r).args(args).output().unwrap().status.success());
        git(&["init", "-q"]);
        write(&r, "package.json", r#"{"dependencies":{"next":"16.0.0"}}"#);
        write(&r, "app/page.tsx", "export default function P() { return null }\n");
        // Named like an env file, but a folder: not read, so git's answers are not used.
        write(&r, ".env.production/x", "A=1\n");
        git(&["add", "-A"]);
        let s = scan(&r).unwrap();
        let g = s.load(&s.apps[0], false).git.answer();
        assert!(g.tracked.is_none() && g.ignored.is_none(), "{g:?}");
        write(&r, ".env.local", "B=2\n");
        git(&["add", ".env.local"]);
        let s = scan(&r).unwrap();
        let g = s.load(&s.apps[0], false).git.answer();
        assert_eq!(g.tracked, Some(vec![".env.local".to_string()]), "the folder is left out");
        assert_eq!(g.ignored, Some(vec![]));
    }

    #[test]
    fn git_is_asked_from_the_top_it_names() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().canonicalize().unwrap();
        let git = |args: &[&str]| assert!(std::process::Command::new("git").arg("-C").arg(&r).args(args).output().unwrap().status.success());
        git(&["init", "-q"]);
        write(&r, ".gitignore", ".env.local\n");
        write(&r, "app/.env", "A=1\n");
        git(&["add", "app/.env"]);
        let ask = |g: &Path| GitAsk { git: Some(g.to_path_buf()), root: r.join("app"), keys: vec![".env".into()], has_env: [true, false] };
        let facts = |g: &Path| {
            let f = ask_git(vec![ask(g)], None).remove(0);
            (f.tracked, f.ignored)
        };
        let want = (Some(vec![".env".to_string()]), Some(vec![".env.local".to_string()]));
        assert_eq!(facts(&r), want, "the folder holding .git is the top");
        // A guess that is not the top (as with `core.worktree`): git's own answer is used.
        assert_eq!(facts(&r.join("app")), want);
        // The top asked early, for the scan root, confirms it; another top is asked again.
        let early = |t: PathBuf| Some(std::thread::spawn(move || Some(t)));
        assert_eq!(ask_git(vec![ask(&r)], early(r.clone())).remove(0).tracked, want.0);
        assert_eq!(ask_git(vec![ask(&r.join("app"))], early(r.clone())).remove(0).tracked, want.0, "the early top says nothing of another folder");
    }

    #[test]
    fn paths_below_the_root_as_path_strip_prefix_gives_them() {
        for (root, p) in
            [("/r/mono", "/r/mono/apps/web/page.tsx"), ("/", "/app/page.tsx"), ("/r/mono", "/r/mono/a.ts"), ("/r/mono", "/r/monorepo/a.ts"), ("/r", "/s/a.ts")]
        {
            let (root, p) = (Path::new(root), Path::new(p));
            assert_eq!(below(root, p), p.strip_prefix(root).ok().and_then(|r| r.to_str()), "{}", p.display());
        }
        assert_eq!(below(Path::new("/r/mono"), Path::new("/r/mono/apps/web/page.tsx")), Some("apps/web/page.tsx"));
    }

    #[test]
    fn a_listing_gives_back_its_keys() {
        let long = format!("{}/x.ts", "a".repeat(70_000));
        let long2 = format!("{}/y.ts", "a".repeat(70_000));
        let mut keys = vec!["app/page.tsx", "app/p\u{e9}/a.ts", "app/p\u{e8}/b.ts", "app/pé/a.ts", "b.ts", "lib/auth.ts", "lib/auth.tsx", &long, &long2];
        keys.sort();
        let mut l = Listing::default();
        for k in &keys {
            l.push(k);
        }
        l.finish();
        assert_eq!(l.keys(), keys);
        assert_eq!(l.len, keys.len());
        assert!(Listing::default().keys().is_empty());
    }

    #[test]
    fn files_read_below_an_open_folder_are_read_as_by_their_path() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "app/page.tsx", "export default 1;\n");
        write(d.path(), "app/bom.ts", "\u{feff}const a = 1;\r\n");
        write(d.path(), "bad.ts", "");
        std::fs::write(d.path().join("bad.ts"), [0x66, 0xff, 0x0a]).unwrap();
        let folder = Folder::open(d.path());
        for k in ["app/page.tsx", "app/bom.ts", "bad.ts", "missing.ts", "app"] {
            let (a, b) = (folder.read(k), read_text(&d.path().join(k)));
            match (a, b) {
                (Ok(a), Ok(b)) => assert_eq!((&*a.text, a.bom), (&*b.text, b.bom), "{k}"),
                (Err(a), Err(b)) => assert_eq!(a, b, "{k}"),
                (a, b) => panic!("{k}: {:?} vs {:?}", a.map(|f| f.text), b.map(|f| f.text)),
            }
        }
        let bom = folder.read("app/bom.ts").unwrap();
        assert!(bom.bom);
        assert_eq!(bom.original(), "\u{feff}const a = 1;\r\n");
        assert_eq!(folder.read("missing.ts").err().unwrap(), std::io::Error::from_raw_os_error(2).to_string());
        // A folder that cannot be opened falls back to reading by path.
        let gone = Folder::open(&d.path().join("nowhere"));
        assert!(gone.read("app/page.tsx").is_err());
    }

    #[test]
    fn loads_the_folders_above_an_app() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(r.join(".git")).unwrap();
        write(&r, "package.json", r#"{"private":true,"workspaces":["apps/*"],"scripts":{"dev":"dotenv -- turbo dev"}}"#);
        write(&r, "turbo.json", "{}");
        write(&r, ".env.example", "AUTH_SECRET=\n");
        write(&r, ".gitignore", ".env\n");
        write(&r, ".github/workflows/ci.yml", "on: push\n");
        write(&r, "apps/.gitignore", "*.log\n");
        write(&r, "apps/web/package.json", r#"{"dependencies":{"next":"16.0.0","next-auth":"^4.24.5"}}"#);
        write(&r, "apps/web/app/page.tsx", "export default function P() { return null }\n");
        write(&r, "apps/web/.env.local", "NEXTAUTH_SECRET=abcdefgh\n");
        write(&r, "apps/web/Dockerfile", "FROM node:20\n");
        write(&r, "compose.yaml", "services: {}\n");
        write(&r, "package-lock.json", r#"{"packages":{"node_modules/next-auth":{"version":"4.24.11"},"node_modules/next":{"version":"16.4.6"}}}"#);
        let scan = scan(&r.join("apps/web")).unwrap();
        let app = &scan.apps[0];
        let loaded = scan.load(app, false);
        let keys: Vec<&str> = loaded.files.keys().map(|s| s.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "../../.env.example",
                "../../.github/workflows/ci.yml",
                "../../.gitignore",
                "../../compose.yaml",
                "../../package.json",
                "../../turbo.json",
                "../.gitignore",
                ".env.local",
                "Dockerfile",
                "app/page.tsx",
                "package.json"
            ]
        );
        assert_eq!(app.facts.app_path, "apps/web");
        assert_eq!(app.facts.next_version, Some((16, 4, 6)), "the workspace root's lockfile");
        assert_eq!(app.facts.auth_major, Some(4));
        assert_eq!(app.display("../../.github/workflows/ci.yml"), "../../.github/workflows/ci.yml", "above the scan root");
        let from_root = super::scan(&r).unwrap();
        let app = from_root.apps.iter().find(|a| a.prefix == "apps/web/").unwrap();
        assert_eq!(app.display("../../.github/workflows/ci.yml"), ".github/workflows/ci.yml");
        assert_eq!(app.display("app/page.tsx"), "apps/web/app/page.tsx");
    }
}
