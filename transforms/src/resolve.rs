//! Module resolution the way Next.js and TypeScript do it — relative paths, `index` files,
//! extension mapping (`./x.js` written, `x.ts` on disk), tsconfig/jsconfig `paths` and `baseUrl`
//! with `extends` chains and `references` (the tsconfig nearest to each importing file, as
//! TypeScript picks it), `package.json` `exports` / `main` of workspace packages — by
//! `oxc_resolver` (the resolver of oxc and Rolldown, an enhanced-resolve port), run against the
//! project's in-memory files rather than the disk: the rules crate stays free of I/O, and the
//! answer always matches the texts the rules see.
//!
//! Project paths are relative to the app root and may climb above it (`../../packages/ui/x.ts`,
//! the files of a monorepo between the app and the workspace root). They are mapped onto a
//! virtual tree whose app root sits deep enough for every `../` to land inside it. Workspace
//! packages are linked into a virtual `node_modules` the way a package manager links them.
use oxc_resolver::{FileMetadata, FileSystem, ResolveError, ResolveOptions, ResolverGeneric, TsconfigDiscovery};
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Where an import specifier leads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A file of the project (its project path).
    File(String),
    /// A package outside the project (`next-auth/react`, `react`): the specifier as written.
    Package(String),
    /// Nothing: a relative or aliased path to no file of the project.
    Unresolved,
}

/// The in-memory file system the resolver reads. Paths are stored by their bytes in normal form
/// ([`norm`]) in `FxHash` maps: the resolver asks thousands of times per project, and a `Path`
/// key would be re-split into components for every hash.
#[derive(Default, Clone)]
struct MemFs {
    files: FxHashMap<Box<[u8]>, Arc<str>>,
    dirs: FxHashSet<Box<[u8]>>,
    /// Virtual `node_modules/<name>` links to workspace package folders.
    links: HashMap<PathBuf, PathBuf>,
}

fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "not in the project")
}

/// A path's bytes in normal form — absolute, no empty or `.` components, no trailing slash —
/// which is how the resolver passes them; any other spelling is rebuilt from its components, so
/// that lookups agree with `Path`'s own equality (`/a//b`, `/a/./b`, `/a/b/` are `/a/b`).
fn norm(p: &Path) -> Cow<'_, [u8]> {
    let b = p.as_os_str().as_encoded_bytes();
    let normal = cfg!(unix)
        && b.first() == Some(&b'/')
        && (b.len() == 1 || !b.ends_with(b"/"))
        && !b.ends_with(b"/.")
        && memchr::memmem::find(b, b"//").is_none()
        && memchr::memmem::find(b, b"/./").is_none();
    if normal {
        Cow::Borrowed(b)
    } else {
        let mut out = PathBuf::new();
        for c in p.components() {
            out.push(c);
        }
        Cow::Owned(out.into_os_string().into_encoded_bytes())
    }
}

impl MemFs {
    /// Follow `node_modules` links in any prefix of `p`.
    fn real<'p>(&self, p: &'p Path) -> Cow<'p, Path> {
        if self.links.is_empty() {
            return Cow::Borrowed(p);
        }
        let mut cur = PathBuf::new();
        for c in p.components() {
            cur.push(c);
            if let Some(t) = self.links.get(&cur) {
                cur = t.clone();
            }
        }
        Cow::Owned(cur)
    }

    /// Add a file at the virtual path `v` (normal form), with its folders.
    fn add(&mut self, v: Vec<u8>, text: Arc<str>) {
        self.add_dirs(&v);
        self.files.insert(v.into_boxed_slice(), text);
    }

    fn add_dirs(&mut self, v: &[u8]) {
        if cfg!(unix) {
            // The folders of a path in normal form: its prefixes up to each `/`, and `/`.
            let mut end = v.len();
            while let Some(i) = memchr::memrchr(b'/', &v[..end]) {
                let dir = if i == 0 { &v[..1] } else { &v[..i] };
                if !self.dirs.insert(dir.into()) || i == 0 {
                    break;
                }
                end = i;
            }
        } else {
            let Ok(s) = std::str::from_utf8(v) else { return };
            let mut d = Path::new(s).parent();
            while let Some(x) = d {
                if !self.dirs.insert(norm(x).into()) {
                    break;
                }
                d = x.parent();
            }
        }
    }
}

impl FileSystem for MemFs {
    fn new() -> Self {
        MemFs::default()
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.read_to_string(path).map(String::into_bytes)
    }
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.files.get(&*norm(&self.real(path))).map(|t| t.to_string()).ok_or_else(not_found)
    }
    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        let p = self.real(path);
        let k = norm(&p);
        if self.files.contains_key(&*k) {
            Ok(FileMetadata::new(true, false, false))
        } else if self.dirs.contains(&*k) {
            Ok(FileMetadata::new(false, true, false))
        } else {
            Err(not_found())
        }
    }
    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        if self.links.contains_key(path) {
            return Ok(FileMetadata::new(false, false, true));
        }
        self.metadata(path)
    }
    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        self.links.get(path).cloned().ok_or_else(|| ResolveError::from(io::Error::new(io::ErrorKind::InvalidInput, "not a link")))
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(self.real(path).into_owned())
    }
}

/// Where the project path `p` lies in the virtual tree rooted at `app_root`, in normal form.
fn virtual_path(app_root: &Path, p: &str) -> Vec<u8> {
    let mut rest = p;
    let mut up = 0;
    while let Some(r) = rest.strip_prefix("../") {
        rest = r;
        up += 1;
    }
    let plain = cfg!(unix) && !rest.is_empty() && rest.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
    let base = app_root.ancestors().nth(up);
    match base {
        Some(base) if plain => {
            let mut v = base.as_os_str().as_encoded_bytes().to_vec();
            if v.last() != Some(&b'/') {
                v.push(b'/');
            }
            v.extend_from_slice(rest.as_bytes());
            v
        }
        _ => norm(&clean(&app_root.join(p))).into_owned(),
    }
}

/// `a/./b/../c` → `a/c` on a path with a root (no `..` above the root).
fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A resolver over one project's files.
pub struct Resolver {
    inner: ResolverGeneric<MemFsHandle>,
    /// The same, without tsconfig: used when the project's tsconfig chain cannot be read (an
    /// `extends` into `node_modules`), so that relative imports still resolve.
    plain: ResolverGeneric<MemFsHandle>,
    /// The file systems of `inner` and `plain` (one and the same unless a tsconfig was pruned).
    fs: Vec<Arc<RwLock<MemFs>>>,
    app_root: PathBuf,
    /// How many folders above the app root the virtual tree has room for.
    depth: usize,
}

const EXTENSIONS: &[&str] = &[".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json"];

fn options(tsconfig: bool) -> ResolveOptions {
    ResolveOptions {
        extensions: EXTENSIONS.iter().map(|s| s.to_string()).collect(),
        extension_alias: vec![
            (".js".into(), vec![".ts".into(), ".tsx".into(), ".js".into(), ".jsx".into()]),
            (".jsx".into(), vec![".tsx".into(), ".jsx".into()]),
            (".mjs".into(), vec![".mts".into(), ".mjs".into()]),
            (".cjs".into(), vec![".cts".into(), ".cjs".into()]),
        ],
        condition_names: vec!["types".into(), "react-server".into(), "import".into(), "module".into(), "default".into(), "require".into(), "node".into()],
        main_fields: vec!["module".into(), "main".into(), "types".into()],
        tsconfig: tsconfig.then_some(TsconfigDiscovery::Auto),
        symlinks: true,
        builtin_modules: true,
        ..ResolveOptions::default()
    }
}

/// How many folders above the app root a project path climbs (`../../x` → 2).
fn ups(p: &str) -> usize {
    p.split('/').take_while(|s| *s == "..").count()
}

impl Resolver {
    /// Build one over `files` (project path → text): sources, `package.json` and
    /// `tsconfig.json`/`jsconfig.json` files. `packages` maps workspace package names to their
    /// folders (project paths).
    pub fn new<'a>(files: impl Iterator<Item = (&'a str, Arc<str>)>, packages: &[(String, String)]) -> Resolver {
        let files: Vec<(&str, Arc<str>)> = files.collect();
        let depth = files.iter().map(|(p, _)| ups(p)).chain(packages.iter().map(|(_, d)| ups(d))).max().unwrap_or(0);
        let mut app_root = PathBuf::from("/__authfix");
        for i in 0..depth {
            app_root.push(format!("up{i}"));
        }
        app_root.push("app");
        let mut fs = MemFs::default();
        fs.files.reserve(files.len());
        // A folder with a `jsconfig.json` and no `tsconfig.json` (a JavaScript app): Next and
        // TypeScript read its `paths` and `baseUrl` as a tsconfig's, but the resolver only looks
        // for `tsconfig.json`, so the jsconfig is also shown to it under that name.
        let mut jsconfigs: Vec<(Vec<u8>, Arc<str>)> = Vec::new();
        for (p, t) in files {
            let v = virtual_path(&app_root, p);
            if let Some(dir) = v.strip_suffix(b"/jsconfig.json".as_slice()) {
                jsconfigs.push(([dir, b"/tsconfig.json".as_slice()].concat(), t.clone()));
            }
            fs.add(v, t);
        }
        for (v, t) in jsconfigs {
            if !fs.files.contains_key(v.as_slice()) {
                fs.add(v, t);
            }
        }
        for (name, dir) in packages {
            let link = app_root.join("node_modules").join(name);
            let target = clean(&app_root.join(dir));
            fs.add_dirs(&norm(&link));
            fs.dirs.insert(norm(&target).into());
            fs.links.insert(link, target);
        }
        let fs = Arc::new(RwLock::new(fs));
        let plain = ResolverGeneric::new_with_file_system(MemFsHandle(fs.clone()), options(false));
        // A tsconfig that extends what the project does not hold (`next/tsconfig`,
        // `@tsconfig/strictest` in an uninstalled clone) keeps its own `paths` and `baseUrl`: the
        // unreadable `extends` entries are dropped, as a best effort (they rarely hold `paths`).
        let mut pruned: Vec<(Box<[u8]>, Arc<str>)> = Vec::new();
        {
            let read = fs.read().unwrap_or_else(|e| e.into_inner());
            for (key, text) in read.files.iter() {
                // (Keys are built from project paths: UTF-8.)
                let Ok(path) = std::str::from_utf8(key).map(Path::new) else { continue };
                if !is_tsconfig_name(path) {
                    continue;
                }
                if let Some(t) = prune_extends(text, |spec| plain.resolve(path.parent().unwrap_or(Path::new("/")), spec).is_ok()) {
                    pruned.push((key.clone(), t.into()));
                }
            }
        }
        let (inner_fs, all) = if pruned.is_empty() {
            (fs.clone(), vec![fs])
        } else {
            let mut copy = fs.read().unwrap_or_else(|e| e.into_inner()).clone();
            copy.files.extend(pruned);
            let copy = Arc::new(RwLock::new(copy));
            (copy.clone(), vec![fs, copy])
        };
        let inner = ResolverGeneric::new_with_file_system(MemFsHandle(inner_fs), options(true));
        Resolver { inner, plain, fs: all, app_root, depth }
    }

    /// Add a source file (known by name only, as [`Resolver::new`] is given sources) to the
    /// resolver's tree and forget what it had resolved. `false` when it climbs higher above the
    /// app root than the tree has room for: then build a new resolver.
    pub fn add_source(&self, path: &str) -> bool {
        if ups(path) > self.depth {
            return false;
        }
        let v = virtual_path(&self.app_root, path);
        let empty: Arc<str> = "".into();
        for fs in &self.fs {
            fs.write().unwrap_or_else(|e| e.into_inner()).add(v.clone(), empty.clone());
        }
        self.inner.clear_cache();
        self.plain.clear_cache();
        true
    }

    fn to_project_path(&self, v: &Path) -> Option<String> {
        if let Ok(rel) = v.strip_prefix(&self.app_root) {
            return Some(rel.to_string_lossy().replace('\\', "/"));
        }
        // Above the app root: climb with `..` to the common ancestor.
        let root: Vec<Component> = self.app_root.components().collect();
        let path: Vec<Component> = v.components().collect();
        let common = root.iter().zip(&path).take_while(|(a, b)| a == b).count();
        if common < 2 {
            return None;
        }
        let mut s: Vec<String> = std::iter::repeat_n("..".to_string(), root.len() - common).collect();
        s.extend(path[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
        Some(s.join("/"))
    }

    /// Resolve `spec` imported by the project file `from`.
    pub fn resolve(&self, from: &str, spec: &str) -> Target {
        let bare = !(spec.starts_with('.') || spec.starts_with('/'));
        let file = clean(&self.app_root.join(from));
        let mut r = self.inner.resolve_file(&file, spec);
        // TypeScript gives a JavaScript file the nearest tsconfig's `paths` only when that
        // tsconfig compiles it (`allowJs`, its `include`), but Next maps the app's aliases in
        // every module it bundles: a `.js`/`.jsx` file resolves as a `.ts`/`.tsx` file in the
        // same place would.
        if r.is_err() && !spec.starts_with('.') {
            if let Some(Ok(t)) = ts_twin(&file).map(|twin| self.inner.resolve_file(&twin, spec)) {
                r = Ok(t);
            }
        }
        let r = match r {
            Ok(r) => Ok(r),
            // An unreadable tsconfig chain (extends a package) must not break relative imports.
            Err(ResolveError::TsconfigNotFound(_)) | Err(ResolveError::IOError(_)) | Err(ResolveError::Json(_)) => self.plain.resolve_file(&file, spec),
            Err(e) => Err(e),
        };
        match r {
            Ok(res) => {
                let path = res.path();
                // Workspace links are canonicalised away (`symlinks: true`): a path still under
                // node_modules is a real package.
                if path.components().any(|c| c.as_os_str() == "node_modules") {
                    return Target::Package(spec.to_string());
                }
                match self.to_project_path(path) {
                    Some(p) => Target::File(p),
                    None => Target::Unresolved,
                }
            }
            Err(_) if bare && looks_like_package(spec) => Target::Package(spec.to_string()),
            Err(_) => Target::Unresolved,
        }
    }
}

/// The path of a JavaScript file with the TypeScript extension of its kind (`x.jsx` → `x.tsx`).
fn ts_twin(p: &Path) -> Option<PathBuf> {
    let ext = match p.extension()?.to_str()? {
        "js" => "ts",
        "jsx" => "tsx",
        "mjs" => "mts",
        "cjs" => "cts",
        _ => return None,
    };
    Some(p.with_extension(ext))
}

fn is_tsconfig_name(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| (n.starts_with("tsconfig") || n.starts_with("jsconfig")) && n.ends_with(".json"))
}

/// The tsconfig's text without the `extends` entries `readable` rejects, as plain JSON; `None`
/// when every entry is readable (or the text is not JSON: the resolver says so itself).
fn prune_extends(text: &str, readable: impl Fn(&str) -> bool) -> Option<String> {
    let jsonc_parser::JsonValue::Object(mut obj) = jsonc_parser::parse_to_value(text, &Default::default()).ok()?? else { return None };
    let entries: Vec<String> = match obj.get("extends")? {
        jsonc_parser::JsonValue::String(s) => vec![s.to_string()],
        jsonc_parser::JsonValue::Array(a) => {
            a.iter().filter_map(|v| if let jsonc_parser::JsonValue::String(s) = v { Some(s.to_string()) } else { None }).collect()
        }
        _ => return None,
    };
    let kept: Vec<String> = entries.iter().filter(|s| readable(s)).cloned().collect();
    if kept.len() == entries.len() {
        return None;
    }
    obj.take("extends");
    let mut v = to_serde(jsonc_parser::JsonValue::Object(obj));
    if !kept.is_empty() {
        v["extends"] = serde_json::Value::from(kept);
    }
    Some(v.to_string())
}

fn to_serde(v: jsonc_parser::JsonValue) -> serde_json::Value {
    use jsonc_parser::JsonValue as J;
    match v {
        J::String(s) => serde_json::Value::String(s.into_owned()),
        J::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::Null),
        J::Boolean(b) => serde_json::Value::Bool(b),
        J::Null => serde_json::Value::Null,
        J::Array(a) => serde_json::Value::Array(a.take_inner().into_iter().map(to_serde).collect()),
        J::Object(o) => serde_json::Value::Object(o.take_inner().into_iter().map(|(k, v)| (k.into_owned(), to_serde(v))).collect()),
    }
}

/// Whether a bare specifier can name an npm package (`react`, `@auth/core/jwt`, `node:fs`) rather
/// than a path alias that matched nothing (`@/missing`, `~/x`, `#internal`).
fn looks_like_package(spec: &str) -> bool {
    if let Some(scoped) = spec.strip_prefix('@') {
        return scoped.split_once('/').is_some_and(|(scope, name)| !scope.is_empty() && !name.is_empty());
    }
    !spec.starts_with(['~', '#']) && !spec.is_empty()
}

/// A cheap handle on a shared [`MemFs`] (the resolver owns its file system; both share one, and
/// [`Resolver::add_source`] adds to it).
struct MemFsHandle(Arc<RwLock<MemFs>>);

impl MemFsHandle {
    fn fs(&self) -> std::sync::RwLockReadGuard<'_, MemFs> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl FileSystem for MemFsHandle {
    fn new() -> Self {
        MemFsHandle(Arc::new(RwLock::new(MemFs::default())))
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.fs().read(path)
    }
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.fs().read_to_string(path)
    }
    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        self.fs().metadata(path)
    }
    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        self.fs().symlink_metadata(path)
    }
    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        self.fs().read_link(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.fs().canonicalize(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(files: &[(&str, &str)], packages: &[(&str, &str)]) -> Resolver {
        let packages: Vec<(String, String)> = packages.iter().map(|(n, d)| (n.to_string(), d.to_string())).collect();
        Resolver::new(files.iter().map(|(p, t)| (*p, Arc::<str>::from(*t))), &packages)
    }

    fn file(p: &str) -> Target {
        Target::File(p.into())
    }

    #[test]
    fn relative_index_and_extension_mapping() {
        let r = resolver(
            &[
                ("app/page.tsx", ""),
                ("components/index.ts", ""),
                ("lib/auth.ts", ""),
                ("lib/db.js", ""),
                ("components/providers.tsx", ""),
                ("components/providers/index.ts", ""),
            ],
            &[],
        );
        assert_eq!(r.resolve("app/page.tsx", "../components"), file("components/index.ts"));
        assert_eq!(r.resolve("app/page.tsx", "../lib/auth.js"), file("lib/auth.ts"));
        assert_eq!(r.resolve("app/page.tsx", "../lib/db"), file("lib/db.js"));
        // A file beside a folder of the same name wins, as in TypeScript.
        assert_eq!(r.resolve("app/page.tsx", "../components/providers"), file("components/providers.tsx"));
        assert_eq!(r.resolve("app/page.tsx", "../nope"), Target::Unresolved);
        assert_eq!(r.resolve("app/page.tsx", "next-auth/react"), Target::Package("next-auth/react".into()));
        assert_eq!(r.resolve("app/page.tsx", "node:crypto"), Target::Package("node:crypto".into()));
    }

    #[test]
    fn tsconfig_paths_with_extends_and_base_url() {
        let r = resolver(
            &[
                (
                    "tsconfig.json",
                    "{ \"extends\": \"./tsconfig.base.json\", \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"], \"~auth\": [\"./src/auth.ts\"] } } }",
                ),
                ("tsconfig.base.json", "{ // comments are allowed\n \"compilerOptions\": { \"baseUrl\": \".\" } }"),
                ("src/app/page.tsx", ""),
                ("src/auth.ts", ""),
                ("src/components/Nav.tsx", ""),
                ("lib/util.ts", ""),
            ],
            &[],
        );
        assert_eq!(r.resolve("src/app/page.tsx", "@/components/Nav"), file("src/components/Nav.tsx"));
        assert_eq!(r.resolve("src/app/page.tsx", "~auth"), file("src/auth.ts"));
        // baseUrl from the extended config: bare specifiers from the project root.
        assert_eq!(r.resolve("src/app/page.tsx", "lib/util"), file("lib/util.ts"));
        assert_eq!(r.resolve("src/app/page.tsx", "@/missing"), Target::Unresolved);
    }

    #[test]
    fn a_javascript_apps_jsconfig_paths_resolve_as_a_tsconfigs() {
        // `"@*": ["./*"]` with no baseUrl (paths relative to the config file), and a second app
        // folder whose tsconfig.json wins over its jsconfig.json, as in TypeScript.
        let r = resolver(
            &[
                ("jsconfig.json", "{\n  \"compilerOptions\": {\n    \"paths\": {\n      \"@*\": [\"./*\"]\n    }\n  }\n}\n"),
                ("app/layout.jsx", ""),
                ("components/Provider.jsx", ""),
                ("web/jsconfig.json", "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./js/*\"] } } }"),
                ("web/tsconfig.json", "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./ts/*\"] } } }"),
                ("web/app/page.jsx", ""),
                ("web/js/x.js", ""),
                ("web/ts/x.ts", ""),
            ],
            &[],
        );
        assert_eq!(r.resolve("app/layout.jsx", "@components/Provider"), file("components/Provider.jsx"));
        assert_eq!(r.resolve("web/app/page.jsx", "@/x"), file("web/ts/x.ts"));
        // A `.jsx` file of a TypeScript app whose tsconfig includes only TypeScript files (no
        // `allowJs`): Next still maps the alias for it.
        let r = resolver(
            &[
                ("tsconfig.json", "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./*\"] } }, \"include\": [\"**/*.ts\", \"**/*.tsx\"] }"),
                ("app/page.jsx", ""),
                ("lib/x.ts", ""),
            ],
            &[],
        );
        assert_eq!(r.resolve("app/page.jsx", "@/lib/x"), file("lib/x.ts"));
        assert_eq!(r.resolve("app/page.jsx", "react"), Target::Package("react".into()));
    }

    #[test]
    fn unreadable_extends_keeps_the_tsconfigs_own_paths() {
        let r = resolver(
            &[
                ("tsconfig.json", "{\n  // Next's own preset, not installed in a fresh clone\n  \"extends\": [\"next/tsconfig\", \"./tsconfig.paths.json\"],\n  \"compilerOptions\": { \"strict\": true, \"paths\": { \"~/*\": [\"./src/*\"] } },\n}"),
                ("tsconfig.paths.json", "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"] } } }"),
                ("app/page.tsx", ""),
                ("src/auth.ts", ""),
            ],
            &[],
        );
        assert_eq!(r.resolve("app/page.tsx", "~/auth"), file("src/auth.ts"));
        assert_eq!(r.resolve("app/page.tsx", "./missing"), Target::Unresolved);
        // A workspace preset the project holds stays in the chain.
        let r = resolver(
            &[
                ("tsconfig.json", "{ \"extends\": \"@repo/typescript-config/nextjs.json\" }"),
                ("../../packages/typescript-config/package.json", "{ \"name\": \"@repo/typescript-config\" }"),
                (
                    "../../packages/typescript-config/nextjs.json",
                    "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"], \"#preset/*\": [\"./*\"] } } }",
                ),
                ("app/page.tsx", ""),
                ("src/auth.ts", ""),
            ],
            &[("@repo/typescript-config", "../../packages/typescript-config")],
        );
        // TypeScript resolves an extended file's `paths` against the extended file's folder.
        assert_eq!(r.resolve("app/page.tsx", "@/auth"), Target::Unresolved);
        assert_eq!(r.resolve("app/page.tsx", "#preset/nextjs.json"), file("../../packages/typescript-config/nextjs.json"));
        assert!(prune_extends("{ \"extends\": \"x\" }", |_| true).is_none());
        assert_eq!(prune_extends("{ \"extends\": \"x\", \"a\": 1 }", |_| false).as_deref(), Some("{\"a\":1}"));
    }

    #[test]
    fn unreadable_tsconfig_chain_keeps_relative_imports() {
        let r = resolver(&[("tsconfig.json", "{ \"extends\": \"@tsconfig/next/tsconfig.json\" }"), ("app/page.tsx", ""), ("app/x.ts", "")], &[]);
        assert_eq!(r.resolve("app/page.tsx", "./x"), file("app/x.ts"));
    }

    #[test]
    fn workspace_packages_and_files_above_the_app() {
        let r = resolver(
            &[
                ("app/layout.tsx", ""),
                (
                    "../../packages/ui/package.json",
                    "{ \"name\": \"@acme/ui\", \"exports\": { \".\": \"./src/index.ts\", \"./providers\": \"./src/providers.tsx\" } }",
                ),
                ("../../packages/ui/src/index.ts", ""),
                ("../../packages/ui/src/providers.tsx", ""),
                ("../../packages/auth/package.json", "{ \"name\": \"@acme/auth\", \"main\": \"./index.ts\" }"),
                ("../../packages/auth/index.ts", ""),
            ],
            &[("@acme/ui", "../../packages/ui"), ("@acme/auth", "../../packages/auth")],
        );
        assert_eq!(r.resolve("app/layout.tsx", "@acme/ui"), file("../../packages/ui/src/index.ts"));
        assert_eq!(r.resolve("app/layout.tsx", "@acme/ui/providers"), file("../../packages/ui/src/providers.tsx"));
        assert_eq!(r.resolve("app/layout.tsx", "@acme/auth"), file("../../packages/auth/index.ts"));
        assert_eq!(r.resolve("../../packages/ui/src/index.ts", "./providers"), file("../../packages/ui/src/providers.tsx"));
    }

    #[test]
    fn a_source_added_later_resolves_and_one_above_the_tree_asks_for_a_new_resolver() {
        let r = resolver(&[("app/page.tsx", ""), ("../.env", "")], &[]);
        assert_eq!(r.resolve("app/page.tsx", "../lib/auth"), Target::Unresolved);
        assert!(r.add_source("lib/auth.ts"));
        assert_eq!(r.resolve("app/page.tsx", "../lib/auth"), file("lib/auth.ts"));
        assert!(r.add_source("lib/deep/new/mod.ts"), "new folders too");
        assert_eq!(r.resolve("app/page.tsx", "../lib/deep/new/mod"), file("lib/deep/new/mod.ts"));
        assert!(r.add_source("../shared.ts"), "one level up: within the tree");
        assert_eq!(r.resolve("app/page.tsx", "../../shared"), file("../shared.ts"));
        assert!(!r.add_source("../../x.ts"), "two levels up: no room");
    }

    #[cfg(unix)]
    #[test]
    fn paths_are_looked_up_in_normal_form() {
        for p in ["/a/b", "/a//b", "/a/./b", "/a/b/", "/a/b/."] {
            assert_eq!(&*norm(Path::new(p)), b"/a/b", "{p}");
        }
        assert_eq!(&*norm(Path::new("/")), b"/");
        assert_eq!(&*norm(Path::new("/a/../b")), b"/a/../b", "`..` stays, as in `Path` equality");
        assert_eq!(virtual_path(Path::new("/r/up0/app"), "../x/y.ts"), b"/r/up0/x/y.ts");
        assert_eq!(virtual_path(Path::new("/r/up0/app"), "lib/./y.ts"), b"/r/up0/app/lib/y.ts");
    }
}
