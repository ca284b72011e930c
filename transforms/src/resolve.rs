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
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

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

/// The in-memory file system the resolver reads.
#[derive(Default)]
struct MemFs {
    files: HashMap<PathBuf, Arc<str>>,
    dirs: HashSet<PathBuf>,
    /// Virtual `node_modules/<name>` links to workspace package folders.
    links: HashMap<PathBuf, PathBuf>,
}

fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "not in the project")
}

impl MemFs {
    /// Follow `node_modules` links in any prefix of `p`.
    fn real(&self, p: &Path) -> PathBuf {
        if self.links.is_empty() {
            return p.to_path_buf();
        }
        let mut cur = PathBuf::new();
        for c in p.components() {
            cur.push(c);
            if let Some(t) = self.links.get(&cur) {
                cur = t.clone();
            }
        }
        cur
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
        self.files.get(&self.real(path)).map(|t| t.to_string()).ok_or_else(not_found)
    }
    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        let p = self.real(path);
        if self.files.contains_key(&p) {
            Ok(FileMetadata::new(true, false, false))
        } else if self.dirs.contains(&p) {
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
        Ok(self.real(path))
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
    app_root: PathBuf,
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

impl Resolver {
    /// Build one over `files` (project path → text): sources, `package.json` and
    /// `tsconfig.json`/`jsconfig.json` files. `packages` maps workspace package names to their
    /// folders (project paths).
    pub fn new<'a>(files: impl Iterator<Item = (&'a str, Arc<str>)>, packages: &[(String, String)]) -> Resolver {
        let files: Vec<(&str, Arc<str>)> = files.collect();
        let ups = |p: &str| p.split('/').take_while(|s| *s == "..").count();
        let depth = files.iter().map(|(p, _)| ups(p)).chain(packages.iter().map(|(_, d)| ups(d))).max().unwrap_or(0);
        let mut app_root = PathBuf::from("/__authfix");
        for i in 0..depth {
            app_root.push(format!("up{i}"));
        }
        app_root.push("app");
        let mut fs = MemFs::default();
        let add_dirs = |fs: &mut MemFs, p: &Path| {
            let mut d = p.parent();
            while let Some(x) = d {
                if !fs.dirs.insert(x.to_path_buf()) {
                    break;
                }
                d = x.parent();
            }
        };
        for (p, t) in files {
            let v = clean(&app_root.join(p));
            add_dirs(&mut fs, &v);
            fs.files.insert(v, t);
        }
        for (name, dir) in packages {
            let link = app_root.join("node_modules").join(name);
            let target = clean(&app_root.join(dir));
            add_dirs(&mut fs, &link);
            fs.dirs.insert(target.clone());
            fs.links.insert(link, target);
        }
        let fs = Arc::new(fs);
        // Both resolvers read the same files (the file system is behind an `Arc` inside each).
        let inner = ResolverGeneric::new_with_file_system(MemFsHandle(fs.clone()), options(true));
        let plain = ResolverGeneric::new_with_file_system(MemFsHandle(fs), options(false));
        Resolver { inner, plain, app_root }
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
        let r = match self.inner.resolve_file(&file, spec) {
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

/// Whether a bare specifier can name an npm package (`react`, `@auth/core/jwt`, `node:fs`) rather
/// than a path alias that matched nothing (`@/missing`, `~/x`, `#internal`).
fn looks_like_package(spec: &str) -> bool {
    if let Some(scoped) = spec.strip_prefix('@') {
        return scoped.split_once('/').is_some_and(|(scope, name)| !scope.is_empty() && !name.is_empty());
    }
    !spec.starts_with(['~', '#']) && !spec.is_empty()
}

/// A cheap handle on a shared [`MemFs`] (the resolver owns its file system; both share one).
struct MemFsHandle(Arc<MemFs>);

impl FileSystem for MemFsHandle {
    fn new() -> Self {
        MemFsHandle(Arc::new(MemFs::default()))
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.0.read(path)
    }
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.0.read_to_string(path)
    }
    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        self.0.metadata(path)
    }
    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        self.0.symlink_metadata(path)
    }
    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        self.0.read_link(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.0.canonicalize(path)
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
}
