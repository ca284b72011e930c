//! Finding the Next.js app(s) under PATH and loading what the rules read.
use anyhow::{bail, Context, Result};
use authfix_transforms::parse::is_source_path;
use authfix_transforms::{Alias, ProjectFacts};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Folders never scanned (build output, dependencies, caches).
pub const SKIP_DIRS: &[&str] = &["node_modules", ".next", ".git", "out", "dist", "build", ".vercel", ".turbo", "coverage"];

pub struct App {
    /// Absolute app root.
    pub root: PathBuf,
    /// The app root relative to the scan root, with a trailing `/` (empty for the root itself).
    pub prefix: String,
    pub facts: ProjectFacts,
    /// Source files: path relative to the app root → file.
    pub files: BTreeMap<String, LoadedFile>,
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

fn depends_on_next(pkg: &serde_json::Value) -> bool {
    ["dependencies", "devDependencies", "peerDependencies"].iter().any(|k| pkg.get(k).and_then(|d| d.get("next")).is_some())
}

pub fn dep_range(pkg: &serde_json::Value, name: &str) -> Option<String> {
    ["dependencies", "devDependencies", "peerDependencies"].iter().find_map(|k| pkg.get(k)?.get(name)?.as_str().map(String::from))
}

/// The version a lockfile resolves for a package: package-lock.json, pnpm-lock.yaml, yarn.lock or
/// bun.lock in `root`; `None` when none names it.
pub fn locked_version(root: &Path, name: &str) -> Option<String> {
    if let Ok(s) = std::fs::read_to_string(root.join("package-lock.json")) {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&s) {
            let key = name.replace('/', "~1");
            if let Some(ver) = v
                .pointer(&format!("/packages/node_modules~1{key}/version"))
                .or_else(|| v.pointer(&format!("/dependencies/{key}/version")))
                .and_then(|v| v.as_str())
            {
                return Some(ver.to_string());
            }
        }
    }
    let at = format!("{name}@");
    if let Ok(s) = std::fs::read_to_string(root.join("pnpm-lock.yaml")) {
        // `/next-auth@4.24.5(...)`, `next-auth@5.0.0-beta.32(...)` (keys of `packages:`).
        for line in s.lines() {
            let t = line.trim().trim_start_matches('\'').trim_start_matches('/');
            if let Some(rest) = t.strip_prefix(at.as_str()) {
                let ver: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();
                if ver.starts_with(|c: char| c.is_ascii_digit()) {
                    return Some(ver);
                }
            }
        }
    }
    if let Ok(s) = std::fs::read_to_string(root.join("yarn.lock")) {
        let mut in_block = false;
        for line in s.lines() {
            if !line.starts_with(' ') {
                in_block = line.trim_start_matches('"').starts_with(at.as_str());
            } else if in_block {
                if let Some(v) = line.trim().strip_prefix("version") {
                    return Some(v.trim().trim_start_matches(':').trim().trim_matches('"').to_string());
                }
            }
        }
    }
    if let Ok(s) = std::fs::read_to_string(root.join("bun.lock")) {
        // "next-auth": ["next-auth@5.0.0-beta.32", ...]
        let needle = format!("\"{at}");
        if let Some(i) = s.find(&needle) {
            let ver: String = s[i + needle.len()..].chars().take_while(|c| *c != '"').collect();
            if ver.starts_with(|c: char| c.is_ascii_digit()) {
                return Some(ver);
            }
        }
    }
    None
}

/// The first number of a version or range: `^4.24.5` → 4, `5.0.0-beta.32` → 5, `>=14` → 14;
/// next-auth's `beta` dist-tag is 5.
pub fn major_of(range: &str) -> Option<u32> {
    let r = range.trim();
    if r == "beta" {
        return Some(5);
    }
    parse_version(r).map(|(m, _, _)| m)
}

pub fn parse_version(s: &str) -> Option<(u32, u32, u32)> {
    let s = s.trim().trim_start_matches(|c: char| !c.is_ascii_digit());
    let mut it = s.split(['.', '-', ' ']).map(|p| p.parse::<u32>().ok());
    Some((it.next()??, it.next().flatten().unwrap_or(0), it.next().flatten().unwrap_or(0)))
}

/// tsconfig/jsconfig `paths`: the first `X/*` → `Y/*` mapping, relative to the app root.
pub fn read_alias(root: &Path) -> Option<Alias> {
    for name in ["tsconfig.json", "jsconfig.json"] {
        let Ok(text) = std::fs::read_to_string(root.join(name)) else { continue };
        let Ok(v) = jsonc_parser::parse_to_serde_value::<serde_json::Value>(&text, &Default::default()) else { continue };
        let co = v.get("compilerOptions")?;
        let base = co.get("baseUrl").and_then(|b| b.as_str()).unwrap_or(".");
        let paths = co.get("paths")?.as_object()?;
        let mut keys: Vec<&String> = paths.keys().collect();
        keys.sort_by_key(|k| (k.as_str() != "@/*", k.len()));
        for k in keys {
            let Some(prefix) = k.strip_suffix('*') else { continue };
            let Some(t) = paths[k].as_array().and_then(|a| a.first()).and_then(|t| t.as_str()) else { continue };
            let Some(t) = t.strip_suffix('*') else { continue };
            let joined = format!("{}/{}", base.trim_end_matches('/'), t);
            let target = authfix_transforms::project::normalize(&joined)?;
            let target = if target.is_empty() { String::new() } else { format!("{target}/") };
            return Some(Alias { prefix: prefix.to_string(), target });
        }
    }
    None
}

fn facts_for(root: &Path, pkg: &serde_json::Value) -> ProjectFacts {
    let next_version = locked_version(root, "next").and_then(|v| parse_version(&v)).or_else(|| dep_range(pkg, "next").and_then(|r| parse_version(&r)));
    let auth_major = locked_version(root, "next-auth").or_else(|| dep_range(pkg, "next-auth")).and_then(|v| major_of(&v)).map(|m| m as u8);
    ProjectFacts {
        next_version,
        auth_major,
        src_dir: root.join("src/app").is_dir() || root.join("src/pages").is_dir(),
        alias: read_alias(root),
        typescript: root.join("tsconfig.json").is_file(),
        versions: resolved_versions(root, pkg),
        ..Default::default()
    }
}

/// The exact versions of `next`, `next-auth` and `@auth/core` the security rules compare: from
/// the app's lockfile, else the lockfile of the nearest folder above it that declares a workspace
/// (`workspaces` in its package.json, or a `pnpm-workspace.yaml`); a package no lockfile names
/// gets its package.json range's floor, marked as not from a lockfile.
fn resolved_versions(root: &Path, pkg: &serde_json::Value) -> authfix_transforms::versions::Versions {
    use authfix_transforms::versions::{range_floor, ResolvedVersion, Version, Versions};
    const LOCKFILES: &[&str] = &["package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock"];
    let mut lock_dir: Option<(PathBuf, String)> = None;
    for (depth, dir) in root.ancestors().enumerate().take(8) {
        let workspace = depth == 0
            || dir.join("pnpm-workspace.yaml").is_file()
            || std::fs::read_to_string(dir.join("package.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .is_some_and(|v| v.get("workspaces").is_some());
        if !workspace {
            continue;
        }
        if let Some(name) = LOCKFILES.iter().find(|n| dir.join(n).is_file()) {
            lock_dir = Some((dir.to_path_buf(), format!("{}{name}", "../".repeat(depth))));
            break;
        }
    }
    let mut out = Versions { lockfile: lock_dir.as_ref().map(|(_, rel)| rel.clone()), ..Default::default() };
    for name in ["next", "next-auth", "@auth/core"] {
        let locked = lock_dir.as_ref().and_then(|(d, _)| locked_version(d, name)).and_then(|v| Version::parse(v.trim()).ok());
        let resolved = match locked {
            Some(version) => Some(ResolvedVersion { version, from_lockfile: true }),
            None => dep_range(pkg, name).and_then(|r| range_floor(&r)).map(|version| ResolvedVersion { version, from_lockfile: false }),
        };
        if let Some(r) = resolved {
            out.packages.insert(name.to_string(), r);
        }
    }
    out
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
    let walker = ignore::WalkBuilder::new(&root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .parents(true)
        .follow_links(false)
        .filter_entry(|e| !(e.file_type().is_some_and(|t| t.is_dir()) && SKIP_DIRS.contains(&e.file_name().to_str().unwrap_or(""))))
        .build_parallel();
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
                        if depends_on_next(&v) {
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
    let mut apps: Vec<App> = app_roots
        .iter()
        .map(|(r, pkg)| {
            let prefix = rel(&root, r);
            App {
                root: r.clone(),
                prefix: if prefix.is_empty() { String::new() } else { format!("{prefix}/") },
                facts: facts_for(r, pkg),
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
            Err(reason) => skipped.push(Skipped { path: format!("{}{}", app.prefix, relp), reason }),
        }
    }
    for app in &mut apps {
        load_data_files(app, &mut skipped);
    }
    mark_tracked(&root, &mut apps);
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
        Err(reason) => skipped.push(Skipped { path: format!("{}{}", app.prefix, relp), reason }),
    }
}

/// The non-source files some rules read: env files (even when gitignored), `.gitignore`,
/// `package.json`, and `.github/workflows/*.yml` under the app root.
fn load_data_files(app: &mut App, skipped: &mut Vec<Skipped>) {
    let mut names: Vec<String> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&app.root) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n == ".env" || n.starts_with(".env.") || n == ".gitignore" || n == "package.json" {
                names.push(n);
            }
        }
    }
    if let Ok(rd) = std::fs::read_dir(app.root.join(".github/workflows")) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.ends_with(".yml") || n.ends_with(".yaml") {
                names.push(format!(".github/workflows/{n}"));
            }
        }
    }
    names.sort();
    for n in &names {
        load_one(app, n.clone(), skipped);
    }
}

/// Which env files and workflows git tracks (the rules that read them care), asked once for the
/// whole scan, and only when some app has such files.
fn mark_tracked(root: &Path, apps: &mut [App]) {
    let ask: Vec<String> = apps
        .iter()
        .flat_map(|a| a.files.keys().filter(|k| k.starts_with(".env") || k.starts_with(".github/")).map(move |k| format!("{}{k}", a.prefix)))
        .collect();
    let tracked: Option<Vec<String>> = if ask.is_empty() {
        // No env file or workflow: nothing for the rules to ask about, no git process.
        None
    } else {
        match std::process::Command::new("git").arg("-C").arg(root).args(["ls-files", "--"]).args(&ask).output() {
            Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).lines().map(String::from).collect()),
            _ => None,
        }
    };
    // Which env files git ignores (through any .gitignore, the repository root's included).
    let env_files: Vec<&String> = ask.iter().filter(|p| p.rsplit('/').next().is_some_and(|n| n.starts_with(".env"))).collect();
    let ignored: Option<Vec<String>> = if tracked.is_none() || env_files.is_empty() {
        None
    } else {
        // check-ignore exits 0 when some path is ignored, 1 when none is, 128 on errors.
        match std::process::Command::new("git").arg("-C").arg(root).args(["check-ignore", "--no-index", "--"]).args(&env_files).output() {
            Ok(o) if o.status.code() == Some(0) || o.status.code() == Some(1) => Some(String::from_utf8_lossy(&o.stdout).lines().map(String::from).collect()),
            _ => None,
        }
    };
    for app in apps {
        let strip =
            |list: &Option<Vec<String>>| list.as_ref().map(|t| t.iter().filter_map(|p| p.strip_prefix(app.prefix.as_str()).map(String::from)).collect());
        app.facts.git_tracked = strip(&tracked);
        app.facts.git_ignored = strip(&ignored);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse_version("^16.0.1"), Some((16, 0, 1)));
        assert_eq!(parse_version("5.0.0-beta.32"), Some((5, 0, 0)));
        assert_eq!(major_of("^4.24.11"), Some(4));
        assert_eq!(major_of("5.0.0-beta.32"), Some(5));
        assert_eq!(major_of("beta"), Some(5));
        assert_eq!(major_of(">=14"), Some(14));
        assert_eq!(major_of("latest"), None);
    }

    #[test]
    fn versions_from_the_workspace_root_lockfile() {
        let d = tempfile::tempdir().unwrap();
        let app = d.path().join("apps/web");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(d.path().join("package.json"), r#"{"private":true,"workspaces":["apps/*"]}"#).unwrap();
        std::fs::write(d.path().join("pnpm-lock.yaml"), "packages:\n\n  next-auth@5.0.0-beta.31:\n    resolution: {}\n\n  next@16.1.0:\n    resolution: {}\n")
            .unwrap();
        let pkg: serde_json::Value = serde_json::json!({"dependencies": {"next": "^16.1.0", "next-auth": "^5.0.0-beta.25", "react": "19.2.0"}});
        let v = resolved_versions(&app, &pkg);
        assert_eq!(v.lockfile.as_deref(), Some("../../pnpm-lock.yaml"));
        assert_eq!(v.package_manager(), Some("pnpm"));
        let na = v.get("next-auth").unwrap();
        assert_eq!((na.version.to_string(), na.from_lockfile), ("5.0.0-beta.31".to_string(), true));
        assert!(v.get("@auth/core").is_none(), "not in the lockfile nor package.json");
        // Without a workspace declaration the folder above is not the app's.
        std::fs::write(d.path().join("package.json"), r#"{"private":true}"#).unwrap();
        let v = resolved_versions(&app, &pkg);
        assert_eq!(v.lockfile, None);
        let na = v.get("next-auth").unwrap();
        assert_eq!((na.version.to_string(), na.from_lockfile), ("5.0.0-beta.25".to_string(), false), "the range's floor");
    }

    #[test]
    fn alias_from_jsonc_tsconfig() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("tsconfig.json"), "{\n // comment\n \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"], }, },\n}").unwrap();
        assert_eq!(read_alias(d.path()), Some(Alias { prefix: "@/".into(), target: "src/".into() }));
        std::fs::write(d.path().join("tsconfig.json"), "{ \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"~/*\": [\"./*\"] } } }").unwrap();
        assert_eq!(read_alias(d.path()), Some(Alias { prefix: "~/".into(), target: "".into() }));
    }
}
