//! The one dependency and version reader (`fix`/`check`, `init`, `doctor --project`): the
//! ranges in package.json, the versions a lockfile resolves — the app's own lockfile, else the
//! workspace root's, read for the app's own entry (its pnpm importer, its nested npm install, its
//! yarn range, its bun workspace key) before the hoisted one — and the tsconfig path alias. The
//! lockfile text readers are the rules crate's (`authfix_transforms::lockfile`), which the test
//! harnesses use on fixture text too; this module reads the files.
use authfix_transforms::Alias;
use std::path::Path;

pub use authfix_transforms::lockfile::{dep_range, major_of, parse_version, LOCKFILES};

pub fn depends_on(pkg: &serde_json::Value, name: &str) -> bool {
    dep_range(pkg, name).is_some()
}

/// The version of `name` for the app at `app_root` (whose package.json is `pkg`): its own
/// lockfile, else the workspace root's, else the range in package.json.
pub fn version_of(app_root: &Path, workspace: Option<&Path>, pkg: &serde_json::Value, name: &str) -> Option<String> {
    version_of_in(&LockTexts::default(), app_root, workspace, pkg, name)
}

/// [`version_of`], reading lockfiles through `texts`.
pub fn version_of_in(texts: &LockTexts, app_root: &Path, workspace: Option<&Path>, pkg: &serde_json::Value, name: &str) -> Option<String> {
    let app_path = workspace.and_then(|w| app_root.strip_prefix(w).ok()).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let max_up = app_path.split('/').filter(|s| !s.is_empty()).count();
    authfix_transforms::lockfile::version_of(|k| texts.read(app_root, k), &app_path, max_up, pkg, name)
}

/// Lockfile texts by path, read once for all the apps of a scan: a monorepo's root lockfile is
/// every app's, and each app asks it about several packages (a missing file is remembered too).
#[derive(Default)]
pub struct LockTexts(std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, Option<std::sync::Arc<str>>>>);

impl LockTexts {
    /// The text of `key` (`pnpm-lock.yaml`, `../../yarn.lock`) relative to `app_root`.
    pub fn read(&self, app_root: &Path, key: &str) -> Option<std::sync::Arc<str>> {
        let path = super::lexical(&app_root.join(key));
        if let Some(t) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&path) {
            return t.clone();
        }
        let t: Option<std::sync::Arc<str>> = std::fs::read_to_string(&path).ok().map(Into::into);
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(path, t.clone());
        t
    }
}

/// The exact versions of `next`, `next-auth` and `@auth/core` the rules' version checks read:
/// what a lockfile resolves (the app's, else the workspace root's), else the floor of the
/// package.json range (marked as not from a lockfile).
pub fn versions(texts: &LockTexts, app_root: &Path, workspace: Option<&Path>, pkg: &serde_json::Value) -> authfix_transforms::versions::Versions {
    use authfix_transforms::versions::{range_floor, ResolvedVersion, Version, Versions};
    let app_path = workspace.and_then(|w| app_root.strip_prefix(w).ok()).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let max_up = app_path.split('/').filter(|s| !s.is_empty()).count();
    let read = |k: &str| texts.read(app_root, k);
    let mut out = Versions { lockfile: authfix_transforms::lockfile::lockfile_of(|k| texts.read(app_root, k).is_some(), max_up), ..Default::default() };
    for name in ["next", "next-auth", "@auth/core"] {
        let resolved = match authfix_transforms::lockfile::resolve_version(read, &app_path, max_up, pkg, name) {
            Some((v, Some(_))) => Version::parse(v.trim()).ok().map(|version| ResolvedVersion { version, from_lockfile: true }),
            Some((range, None)) => range_floor(&range).map(|version| ResolvedVersion { version, from_lockfile: false }),
            None => None,
        };
        if let Some(r) = resolved {
            out.packages.insert(name.to_string(), r);
        }
    }
    out
}

/// The next-auth major of the app (4 or 5; the `beta` dist-tag is 5).
pub fn auth_major(app_root: &Path, workspace: Option<&Path>, pkg: &serde_json::Value) -> Option<u8> {
    auth_major_in(&LockTexts::default(), app_root, workspace, pkg)
}

/// [`auth_major`], reading lockfiles through `texts`.
pub fn auth_major_in(texts: &LockTexts, app_root: &Path, workspace: Option<&Path>, pkg: &serde_json::Value) -> Option<u8> {
    version_of_in(texts, app_root, workspace, pkg, "next-auth").and_then(|v| major_of(&v)).and_then(|m| u8::try_from(m).ok())
}

/// The version the lockfiles in `dir` resolve for `name`, for the app at `importer` (its path
/// relative to `dir`, `""` for `dir` itself).
#[cfg(test)]
pub fn locked_version_for(dir: &Path, importer: &str, name: &str, range: Option<&str>) -> Option<String> {
    LOCKFILES.iter().find_map(|f| authfix_transforms::lockfile::locked_version(f, &std::fs::read_to_string(dir.join(f)).ok()?, importer, name, range))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("^16.0.1"), Some((16, 0, 1)));
        assert_eq!(parse_version("5.0.0-beta.32"), Some((5, 0, 0)));
        assert_eq!(major_of("^4.24.11"), Some(4));
        assert_eq!(major_of("5.0.0-beta.32"), Some(5));
        assert_eq!(major_of("beta"), Some(5));
        assert_eq!(major_of(">=14"), Some(14));
        assert_eq!(major_of("~4"), Some(4));
        assert_eq!(major_of("latest"), None);
    }

    #[test]
    fn a_lockfile_is_read_once_for_all_the_apps_that_ask() {
        let d = tempfile::tempdir().unwrap();
        let (web, admin) = (d.path().join("apps/web"), d.path().join("apps/admin"));
        std::fs::create_dir_all(&web).unwrap();
        std::fs::create_dir_all(&admin).unwrap();
        std::fs::write(d.path().join("yarn.lock"), "one").unwrap();
        let texts = LockTexts::default();
        assert_eq!(texts.read(&web, "../../yarn.lock").as_deref(), Some("one"));
        assert_eq!(texts.read(&web, "yarn.lock"), None);
        // Changed on disk after the first read: the same path from another app is not read again,
        // nor is a file first found missing.
        std::fs::write(d.path().join("yarn.lock"), "two").unwrap();
        std::fs::write(web.join("yarn.lock"), "new").unwrap();
        assert_eq!(texts.read(&admin, "../../yarn.lock").as_deref(), Some("one"));
        assert_eq!(texts.read(&web, "yarn.lock"), None);
        assert_eq!(LockTexts::default().read(&admin, "../../yarn.lock").as_deref(), Some("two"));
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
        let v = super::versions(&super::LockTexts::default(), &app, Some(d.path()), &pkg);
        assert_eq!(v.lockfile.as_deref(), Some("../../pnpm-lock.yaml"));
        assert_eq!(v.package_manager(), Some("pnpm"));
        let na = v.get("next-auth").unwrap();
        assert_eq!((na.version.to_string(), na.from_lockfile), ("5.0.0-beta.31".to_string(), true));
        assert!(v.get("@auth/core").is_none(), "not in the lockfile nor package.json");
        // Outside a workspace the folder above is not the app's: the range's floor.
        let v = super::versions(&super::LockTexts::default(), &app, None, &pkg);
        assert_eq!(v.lockfile, None);
        let na = v.get("next-auth").unwrap();
        assert_eq!((na.version.to_string(), na.from_lockfile), ("5.0.0-beta.25".to_string(), false));
    }

    #[test]
    fn alias_from_jsonc_tsconfig() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("tsconfig.json"), "{\n // comment\n \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"], }, },\n}").unwrap();
        assert_eq!(read_alias(d.path()), Some(Alias { prefix: "@/".into(), target: "src/".into() }));
        std::fs::write(d.path().join("tsconfig.json"), "{ \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"~/*\": [\"./*\"] } } }").unwrap();
        assert_eq!(read_alias(d.path()), Some(Alias { prefix: "~/".into(), target: "".into() }));
    }

    #[test]
    fn lockfile_wins_over_range() {
        let d = tempfile::tempdir().unwrap();
        let pkg = serde_json::json!({"dependencies": {"next-auth": "latest"}});
        assert_eq!(auth_major(d.path(), None, &pkg), None);
        write(d.path(), "package-lock.json", r#"{"packages":{"":{},"node_modules/next-auth":{"version":"5.0.0-beta.32"}}}"#);
        assert_eq!(auth_major(d.path(), None, &pkg), Some(5));
    }

    #[test]
    fn pnpm_and_yarn_locks() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "pnpm-lock.yaml", "packages:\n\n  next-auth@4.24.15(next@16.4.6)(react@19.3.1):\n    resolution: {}\n");
        assert_eq!(locked_version_for(d.path(), "", "next-auth", None).as_deref(), Some("4.24.15"));
        let e = tempfile::tempdir().unwrap();
        write(e.path(), "yarn.lock", "\"next-auth@^5.0.0-beta.32\":\n  version \"5.0.0-beta.32\"\n  resolved \"x\"\n");
        assert_eq!(locked_version_for(e.path(), "", "next-auth", None).as_deref(), Some("5.0.0-beta.32"));
    }

    /// A workspace whose two apps use different majors: each app gets its own.
    #[test]
    fn workspace_root_lockfiles_per_app() {
        let root = tempfile::tempdir().unwrap();
        let web = root.path().join("apps/web");
        let admin = root.path().join("apps/admin");
        std::fs::create_dir_all(&web).unwrap();
        std::fs::create_dir_all(&admin).unwrap();
        let web_pkg = serde_json::json!({"dependencies": {"next-auth": "^5.0.0-beta.25"}});
        let admin_pkg = serde_json::json!({"dependencies": {"next-auth": "^4.24.5"}});
        let w = Some(root.path());

        write(root.path(), "pnpm-lock.yaml", "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    devDependencies:\n      turbo:\n        specifier: ^2\n        version: 2.1.0\n\n  apps/admin:\n    dependencies:\n      next-auth:\n        specifier: ^4.24.5\n        version: 4.24.11(next@15.1.0)\n\n  apps/web:\n    dependencies:\n      next-auth:\n        specifier: ^5.0.0-beta.25\n        version: 5.0.0-beta.25(next@15.1.0)\n\npackages:\n\n  next-auth@4.24.11:\n    resolution: {}\n");
        assert_eq!(version_of(&web, w, &web_pkg, "next-auth").as_deref(), Some("5.0.0-beta.25"));
        assert_eq!(version_of(&admin, w, &admin_pkg, "next-auth").as_deref(), Some("4.24.11"));
        std::fs::remove_file(root.path().join("pnpm-lock.yaml")).unwrap();

        write(
            root.path(),
            "yarn.lock",
            "# yarn lockfile v1\n\n\"next-auth@^4.24.5\":\n  version \"4.24.11\"\n\nnext-auth@^5.0.0-beta.25:\n  version \"5.0.0-beta.25\"\n",
        );
        assert_eq!(version_of(&web, w, &web_pkg, "next-auth").as_deref(), Some("5.0.0-beta.25"));
        assert_eq!(version_of(&admin, w, &admin_pkg, "next-auth").as_deref(), Some("4.24.11"));
        std::fs::remove_file(root.path().join("yarn.lock")).unwrap();

        write(
            root.path(),
            "package-lock.json",
            r#"{"packages":{"node_modules/next-auth":{"version":"4.24.11"},"apps/web/node_modules/next-auth":{"version":"5.0.0-beta.25"}}}"#,
        );
        assert_eq!(version_of(&web, w, &web_pkg, "next-auth").as_deref(), Some("5.0.0-beta.25"));
        assert_eq!(version_of(&admin, w, &admin_pkg, "next-auth").as_deref(), Some("4.24.11"));
        std::fs::remove_file(root.path().join("package-lock.json")).unwrap();

        write(root.path(), "bun.lock", "{\n  \"packages\": {\n    \"next-auth\": [\"next-auth@4.24.11\", \"\", {}],\n    \"apps/web/next-auth\": [\"next-auth@5.0.0-beta.25\", \"\", {}],\n  }\n}\n");
        assert_eq!(version_of(&web, w, &web_pkg, "next-auth").as_deref(), Some("5.0.0-beta.25"));
        assert_eq!(version_of(&admin, w, &admin_pkg, "next-auth").as_deref(), Some("4.24.11"));
        std::fs::remove_file(root.path().join("bun.lock")).unwrap();

        // pnpm lockfile v5: `name: version` under the importer, `specifiers` apart.
        write(
            root.path(),
            "pnpm-lock.yaml",
            "lockfileVersion: 5.4

importers:

  apps/web:
    specifiers:
      next-auth: ^5.0.0-beta.25
    dependencies:
      next-auth: 5.0.0-beta.25_next@15.1.0

packages:

  /next-auth/4.24.11:
    resolution: {}
",
        );
        assert_eq!(version_of(&web, w, &web_pkg, "next-auth").as_deref(), Some("5.0.0-beta.25"));
        std::fs::remove_file(root.path().join("pnpm-lock.yaml")).unwrap();

        // No lockfile anywhere: the range.
        assert_eq!(auth_major(&web, w, &web_pkg), Some(5));
        // The app's own lockfile comes first.
        write(&web, "package-lock.json", r#"{"packages":{"node_modules/next-auth":{"version":"4.24.1"}}}"#);
        assert_eq!(auth_major(&web, w, &web_pkg), Some(4));
    }
}
