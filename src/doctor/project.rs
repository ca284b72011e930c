//! `--project PATH`: what the repository says about its Auth.js version and route handler.
use std::path::{Path, PathBuf};

/// The next-auth major version the repository at `path` uses: the lockfile's resolved version
/// when a lockfile names it (the app's, else its workspace root's: package-lock.json,
/// pnpm-lock.yaml, yarn.lock, bun.lock), else the range in package.json. `None` when neither
/// names next-auth. The same reader as `fix`/`check` ([`crate::project::deps`]).
pub fn project_auth_major(path: &Path) -> Option<u8> {
    let pkg = std::fs::read_to_string(path.join("package.json")).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(serde_json::Value::Null);
    let root = path.canonicalize().ok()?;
    let roots = crate::project::roots::Finder::default().roots(&root);
    crate::project::deps::auth_major(&root, roots.workspace.as_deref(), &pkg)
}

/// Route handlers named `[...nextauth]` under `app/` or `src/app/`, relative to the project
/// (for D004's message), found with the walker `fix` uses (`.gitignore` honoured, dependencies
/// and build output skipped).
pub fn auth_route_dirs(path: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in ["app", "src/app"] {
        let dir = path.join(root);
        if !dir.is_dir() {
            continue;
        }
        for entry in crate::project::walk::walker(&dir).max_depth(Some(8)).build().flatten() {
            if entry.file_type().is_some_and(|t| t.is_dir()) && entry.file_name() == "[...nextauth]" {
                if let Ok(rel) = entry.path().strip_prefix(path) {
                    out.push(rel.to_path_buf());
                }
            }
        }
    }
    out.sort();
    out
}

/// The URL path a `[...nextauth]` directory serves: `app/api/auth/[...nextauth]` → `/api/auth`
/// (route groups `(name)` do not count).
pub fn base_path_of(dir: &Path) -> String {
    let mut parts: Vec<String> = dir.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.pop(); // [...nextauth]
    let start = if parts.first().map(String::as_str) == Some("src") { 2 } else { 1 };
    let segs: Vec<&String> = parts.iter().skip(start).filter(|p| !(p.starts_with('(') && p.ends_with(')'))).collect();
    let mut s = String::new();
    for p in segs {
        s.push('/');
        s.push_str(p);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn package_json_range_without_lockfile() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "package.json", r#"{"dependencies":{"next":"16.4.6","next-auth":"^4.24.15"}}"#);
        assert_eq!(project_auth_major(d.path()), Some(4));
    }

    #[test]
    fn lockfile_wins_over_range() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "package.json", r#"{"dependencies":{"next-auth":"latest"}}"#);
        assert_eq!(project_auth_major(d.path()), None);
        write(d.path(), "package-lock.json", r#"{"packages":{"":{},"node_modules/next-auth":{"version":"5.0.0-beta.32"}}}"#);
        assert_eq!(project_auth_major(d.path()), Some(5));
    }

    #[test]
    fn pnpm_and_yarn_locks() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "package.json", r#"{"dependencies":{"next-auth":"*"}}"#);
        write(d.path(), "pnpm-lock.yaml", "packages:\n\n  next-auth@4.24.15(next@16.4.6)(react@19.3.1):\n    resolution: {}\n");
        assert_eq!(project_auth_major(d.path()), Some(4));
        let e = tempfile::tempdir().unwrap();
        write(e.path(), "yarn.lock", "\"next-auth@^5.0.0-beta.32\":\n  version \"5.0.0-beta.32\"\n  resolved \"x\"\n");
        assert_eq!(project_auth_major(e.path()), Some(5));
    }

    #[test]
    fn workspace_root_lockfile() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "pnpm-workspace.yaml", "packages:\n  - apps/*\n");
        write(
            d.path(),
            "pnpm-lock.yaml",
            "importers:\n\n  apps/web:\n    dependencies:\n      next-auth:\n        specifier: '*'\n        version: 5.0.0-beta.32(next@16.4.6)\n",
        );
        write(d.path(), "apps/web/package.json", r#"{"dependencies":{"next-auth":"*"}}"#);
        assert_eq!(project_auth_major(&d.path().join("apps/web")), Some(5));
    }

    #[test]
    fn no_next_auth_is_none() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "package.json", r#"{"dependencies":{"next":"16.4.6"}}"#);
        assert_eq!(project_auth_major(d.path()), None);
        assert_eq!(project_auth_major(&d.path().join("missing")), None);
    }

    #[test]
    fn route_dirs_and_their_base_paths() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "src/app/(auth)/auth/[...nextauth]/route.ts", "");
        write(d.path(), "node_modules/x/app/api/auth/[...nextauth]/route.ts", "");
        let dirs = auth_route_dirs(d.path());
        assert_eq!(dirs.len(), 1, "{dirs:?}");
        assert_eq!(base_path_of(&dirs[0]), "/auth");
        assert_eq!(base_path_of(Path::new("app/api/auth/[...nextauth]")), "/api/auth");
    }
}
