//! Project discovery, shared by `fix`/`check`, `init` and `doctor --project`: finding the Next.js
//! app(s) under PATH with the one walker ([`walk`]), their git and workspace roots ([`roots`]),
//! versions and alias ([`deps`]), and loading what the rules read — the app's files, and the env
//! files, `.gitignore` files, workflows and workspace config of the folders above it, keyed with
//! `../` segments.
pub mod deps;
pub mod roots;
pub mod walk;

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
    /// Files: path relative to the app root → file (`../` for the folders above it).
    pub files: BTreeMap<String, LoadedFile>,
}

impl App {
    /// An app file's path as shown and written: relative to the scan root, normalised
    /// (`apps/web/` + `../../.github/workflows/ci.yml` → `.github/workflows/ci.yml`). A file above
    /// the scan root keeps its leading `../`, and is never written.
    pub fn display(&self, key: &str) -> String {
        authfix_transforms::project::normalize_key(&format!("{}{key}", self.prefix))
    }
}

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

/// Read a file as UTF-8 text, splitting off a BOM.
fn read_text(path: &Path) -> Result<LoadedFile, String> {
    let raw = std::fs::read(path).map_err(|e| e.to_string())?;
    let s = String::from_utf8(raw).map_err(|_| "not UTF-8 text".to_string())?;
    Ok(match s.strip_prefix('\u{feff}') {
        Some(t) => LoadedFile { text: t.into(), bom: true },
        None => LoadedFile { text: s.into(), bom: false },
    })
}

/// A file that could not be read, with the reason.
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

pub struct Scan {
    pub apps: Vec<App>,
    pub skipped: Vec<Skipped>,
}

fn facts_for(root: &Path, pkg: &serde_json::Value, roots: &roots::Roots) -> ProjectFacts {
    let ws = roots.workspace.as_deref();
    ProjectFacts {
        next_version: deps::version_of(root, ws, pkg, "next").and_then(|v| deps::parse_version(&v)),
        auth_major: deps::auth_major(root, ws, pkg),
        src_dir: root.join("src/app").is_dir() || root.join("src/pages").is_dir(),
        alias: deps::read_alias(root),
        typescript: root.join("tsconfig.json").is_file(),
        app_path: roots.app_path(root),
        versions: deps::versions(root, ws, pkg),
        ..Default::default()
    }
}

fn rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).to_string_lossy().replace('\\', "/")
}

/// Walk PATH once (honouring .gitignore, skipping dependency and build folders, never following
/// symlinks), find every app, and load its source files.
pub fn scan(path: &Path) -> Result<Scan> {
    let root = path.canonicalize().with_context(|| format!("cannot open {}", path.display()))?;
    if !root.is_dir() {
        bail!("{} is not a folder", path.display());
    }
    // One parallel walk (as ripgrep does): what each thread finds is merged at the end.
    #[derive(Default)]
    struct Found {
        app_roots: Vec<(PathBuf, serde_json::Value)>,
        sources: Vec<PathBuf>,
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
                g.sources.append(&mut self.1.sources);
                g.skipped.append(&mut self.1.skipped);
            }
        }
        let mut flush = Flush(found, Found::default());
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
            let name = entry.file_name().to_string_lossy();
            if name == "package.json" {
                if let Ok(text) = std::fs::read_to_string(p) {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                        if deps::depends_on(&v, "next") {
                            local.app_roots.push((p.parent().unwrap().to_path_buf(), v));
                        }
                    }
                }
            } else if is_source_path(&name) {
                local.sources.push(p.to_path_buf());
            }
            ignore::WalkState::Continue
        })
    });
    let Found { mut app_roots, sources, mut skipped } = found.into_inner().unwrap_or_else(|e| e.into_inner());
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    app_roots.sort_by_key(|a| std::cmp::Reverse(a.0.components().count()));
    let mut finder = roots::Finder::default();
    let mut apps: Vec<App> = app_roots
        .iter()
        .map(|(r, pkg)| {
            let prefix = rel(&root, r);
            let roots = finder.roots(r);
            App {
                root: r.clone(),
                prefix: if prefix.is_empty() { String::new() } else { format!("{prefix}/") },
                facts: facts_for(r, pkg, &roots),
                roots,
                files: BTreeMap::new(),
            }
        })
        .collect();
    // Read in parallel; each file goes to the deepest app containing it (apps sorted deepest first).
    use rayon::prelude::*;
    let by_root: std::collections::HashMap<&Path, usize> = apps.iter().enumerate().map(|(i, a)| (a.root.as_path(), i)).collect();
    let owners: Vec<Option<usize>> = sources.iter().map(|src| src.ancestors().skip(1).find_map(|d| by_root.get(d).copied())).collect();
    let loaded: Vec<(usize, String, Result<LoadedFile, String>)> = sources
        .par_iter()
        .zip(owners.par_iter())
        .filter_map(|(src, owner)| owner.map(|o| (o, src)))
        .map(|(o, src)| (o, rel(&apps[o].root, src), read_text(src)))
        .collect();
    for (o, relp, r) in loaded {
        let app = &mut apps[o];
        match r {
            Ok(f) => {
                app.files.insert(relp, f);
            }
            Err(reason) => skipped.push(Skipped { path: app.display(&relp), reason }),
        }
    }
    let mut listings = Listings::default();
    for app in &mut apps {
        load_data_files(app, &mut listings, &mut skipped);
    }
    mark_git(&mut apps);
    apps.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    Ok(Scan { apps, skipped })
}

fn load_one(app: &mut App, relp: String, skipped: &mut Vec<Skipped>) {
    let path = app.root.join(&relp);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_file() => {}
        _ => return,
    }
    match read_text(&path) {
        Ok(f) => {
            app.files.insert(relp, f);
        }
        Err(reason) => skipped.push(Skipped { path: app.display(&relp), reason }),
    }
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

fn is_env_name(n: &str) -> bool {
    n == ".env" || n.starts_with(".env.")
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
/// `.gitignore`, `package.json`, `Dockerfile`/Compose files and `.github/workflows/*.yml`; in each
/// folder above it up to the outermost root, env files, `.gitignore` and `Dockerfile`/Compose
/// files; at the workspace root also `package.json` and `turbo.json`; at the git root its
/// workflows (where GitHub runs them from).
fn load_data_files(app: &mut App, listings: &mut Listings, skipped: &mut Vec<Skipped>) {
    let mut names: Vec<String> =
        listings.names(&app.root).iter().filter(|n| is_env_name(n) || *n == ".gitignore" || *n == "package.json" || is_container_config(n)).cloned().collect();
    names.extend(workflow_names(listings, &app.root, ""));
    for (dir, up) in app.roots.outer_dirs(&app.root) {
        let ws = app.roots.workspace.as_deref() == Some(dir.as_path());
        let here: Vec<String> = listings
            .names(&dir)
            .iter()
            .filter(|n| is_env_name(n) || *n == ".gitignore" || is_container_config(n) || (ws && (*n == "package.json" || *n == "turbo.json")))
            .map(|n| format!("{up}{n}"))
            .collect();
        names.extend(here);
        if app.roots.git.as_deref() == Some(dir.as_path()) {
            names.extend(workflow_names(listings, &dir, &up));
        }
    }
    names.sort();
    names.dedup();
    for n in names {
        load_one(app, n, skipped);
    }
}

/// Which env files and workflows git tracks, and which env files it ignores (the app's `.env`
/// and `.env.local` too, existing or not), for the rules. Asked once per work tree, and only when
/// some app has such files: otherwise no git process starts.
fn mark_git(apps: &mut [App]) {
    let asks = |app: &App| -> Vec<String> {
        app.files
            .keys()
            .filter(|k| {
                let rest = k.trim_start_matches("../");
                rest.starts_with(".env") || rest.starts_with(".github/")
            })
            .cloned()
            .collect()
    };
    if apps.iter().all(|a| asks(a).is_empty()) {
        return;
    }
    let mut tops: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    // Per work tree: (app index, key, path relative to the top) to ask about.
    let mut groups: BTreeMap<PathBuf, Vec<(usize, String, String, bool)>> = BTreeMap::new();
    for (i, app) in apps.iter().enumerate() {
        let Some(g) = &app.roots.git else { continue };
        let Some(top) = tops.entry(g.clone()).or_insert_with(|| crate::git::toplevel(g)).clone() else { continue };
        let Some(app_rel) = crate::git::relative_to(&top, &app.root) else { continue };
        let mut keys: Vec<(String, bool)> = asks(app).into_iter().map(|k| (k.clone(), k.trim_start_matches("../").starts_with(".env"))).collect();
        for hypothetical in [".env", ".env.local"] {
            if !app.files.contains_key(hypothetical) {
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
    for (top, items) in groups {
        let all: Vec<String> = items.iter().map(|x| x.2.clone()).collect();
        let env: Vec<String> = items.iter().filter(|x| x.3).map(|x| x.2.clone()).collect();
        let tracked = crate::git::tracked(&top, &all);
        let ignored = tracked.as_ref().and_then(|_| crate::git::ignored(&top, &env));
        for (i, k, p, _) in &items {
            let app = &mut apps[*i];
            if let Some(t) = &tracked {
                let list = app.facts.git_tracked.get_or_insert_with(Vec::new);
                if t.contains(p) {
                    list.push(k.clone());
                }
            }
            if let Some(ig) = &ignored {
                let list = app.facts.git_ignored.get_or_insert_with(Vec::new);
                if ig.contains(p) {
                    list.push(k.clone());
                }
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
        let keys: Vec<&str> = app.files.keys().map(|s| s.as_str()).collect();
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
