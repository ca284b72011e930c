//! The one dependency and version reader (`fix`/`check`, `init`, `doctor --project`): the
//! ranges in package.json, the versions a lockfile resolves — the app's own lockfile, else the
//! workspace root's, read for the app's own entry (its pnpm importer, its nested npm install, its
//! yarn range, its bun workspace key) before the hoisted one — and the tsconfig path alias.
//! Lockfiles are scanned as text: they run to megabytes, and only a few keys are needed.
use authfix_transforms::Alias;
use std::path::Path;

pub const LOCKFILES: &[&str] = &["package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock"];

/// The range `pkg` asks for `name` (`dependencies`, `devDependencies`, `peerDependencies`).
pub fn dep_range(pkg: &serde_json::Value, name: &str) -> Option<String> {
    ["dependencies", "devDependencies", "peerDependencies"].iter().find_map(|k| pkg.get(k)?.get(name)?.as_str().map(String::from))
}

pub fn depends_on(pkg: &serde_json::Value, name: &str) -> bool {
    dep_range(pkg, name).is_some()
}

/// The version of `name` for the app at `app_root` (whose package.json is `pkg`): its own
/// lockfile, else the workspace root's, else the range in package.json.
pub fn version_of(app_root: &Path, workspace: Option<&Path>, pkg: &serde_json::Value, name: &str) -> Option<String> {
    let range = dep_range(pkg, name);
    locked_version_for(app_root, "", name, range.as_deref())
        .or_else(|| {
            let w = workspace?;
            let importer = app_root.strip_prefix(w).ok()?.to_string_lossy().replace('\\', "/");
            locked_version_for(w, &importer, name, range.as_deref())
        })
        .or(range)
}

/// The next-auth major of the app (4 or 5; the `beta` dist-tag is 5).
pub fn auth_major(app_root: &Path, workspace: Option<&Path>, pkg: &serde_json::Value) -> Option<u8> {
    version_of(app_root, workspace, pkg, "next-auth").and_then(|v| major_of(&v)).and_then(|m| u8::try_from(m).ok())
}

/// The version a lockfile in `dir` resolves for `name`, for the app at `importer` (its path
/// relative to `dir`, `""` for `dir` itself; `range` is what its package.json asks for).
pub fn locked_version_for(dir: &Path, importer: &str, name: &str, range: Option<&str>) -> Option<String> {
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
    if let Some(s) = read("package-lock.json") {
        if let Some(v) = npm_lock(&s, importer, name) {
            return Some(v);
        }
    }
    if let Some(s) = read("pnpm-lock.yaml") {
        if let Some(v) = pnpm_lock(&s, importer, name) {
            return Some(v);
        }
    }
    if let Some(s) = read("yarn.lock") {
        if let Some(v) = yarn_lock(&s, name, range) {
            return Some(v);
        }
    }
    if let Some(s) = read("bun.lock") {
        if let Some(v) = bun_lock(&s, importer, name) {
            return Some(v);
        }
    }
    None
}

fn version_prefix(s: &str) -> Option<String> {
    let v: String = s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();
    v.starts_with(|c: char| c.is_ascii_digit()).then_some(v)
}

/// package-lock.json v2/v3 `packages` (`apps/web/node_modules/x` before `node_modules/x`), v1
/// `dependencies`.
fn npm_lock(text: &str, importer: &str, name: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let packages = v.get("packages");
    let mut keys = Vec::new();
    if !importer.is_empty() {
        keys.push(format!("{importer}/node_modules/{name}"));
    }
    keys.push(format!("node_modules/{name}"));
    keys.iter()
        .find_map(|k| packages?.get(k)?.get("version")?.as_str())
        .or_else(|| v.get("dependencies")?.get(name)?.get("version")?.as_str())
        .map(String::from)
}

/// pnpm-lock.yaml: the importer's entry (`importers:` → `apps/web:` → `dependencies:` →
/// `next-auth:` → `version: 5.0.0-beta.32(…)`), else the first `packages:` key for the name
/// (`/next-auth@4.24.5(…)`, `next-auth@5.0.0-beta.32(…)`).
fn pnpm_lock(text: &str, importer: &str, name: &str) -> Option<String> {
    let want = if importer.is_empty() { "." } else { importer };
    let lines: Vec<&str> = text.lines().collect();
    if let Some(start) = lines.iter().position(|l| l.trim_end() == "importers:") {
        let mut in_importer = false;
        let mut in_specifiers = false;
        let mut in_dep = false;
        let unquote = |s: &str| s.trim().trim_matches(|c| c == '\'' || c == '"').to_string();
        for l in &lines[start + 1..] {
            let indent = l.len() - l.trim_start().len();
            let t = unquote(l.trim().trim_end_matches(':'));
            if !l.trim().is_empty() && indent == 0 {
                break;
            }
            match indent {
                2 => {
                    in_importer = t == want;
                    in_dep = false;
                }
                4 => in_specifiers = t == "specifiers",
                6 if in_importer && !in_specifiers => {
                    // v6+: `next-auth:` then `version:` below; v5: `next-auth: 4.24.5_next@…`.
                    let (k, v) = l.trim().split_once(':').unwrap_or((l.trim(), ""));
                    in_dep = unquote(k) == name;
                    if in_dep && !v.trim().is_empty() {
                        return version_prefix(&unquote(v));
                    }
                }
                8 if in_importer && in_dep => {
                    if let Some(v) = l.trim().strip_prefix("version:") {
                        return version_prefix(v.trim().trim_matches(|c| c == '\'' || c == '"'));
                    }
                }
                _ => {}
            }
        }
    }
    let at = format!("{name}@");
    for line in text.lines() {
        let t = line.trim().trim_start_matches(['\'', '"']).trim_start_matches('/');
        if let Some(rest) = t.strip_prefix(at.as_str()) {
            if let Some(v) = version_prefix(rest) {
                return Some(v);
            }
        }
    }
    None
}

/// yarn.lock (v1 and berry): the block whose header names `name@range`, else the first for
/// `name`.
fn yarn_lock(text: &str, name: &str, range: Option<&str>) -> Option<String> {
    let header_specs = |h: &str| -> Vec<String> { h.trim_end_matches(':').split(", ").map(|s| s.trim().trim_matches('"').to_string()).collect() };
    let version_in = |from: usize| -> Option<String> {
        text.lines().skip(from + 1).take_while(|l| l.starts_with(' ') || l.is_empty()).find_map(|l| {
            let v = l.trim().strip_prefix("version")?;
            Some(v.trim().trim_start_matches(':').trim().trim_matches('"').to_string())
        })
    };
    let at = format!("{name}@");
    let headers: Vec<(usize, Vec<String>)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with(' ') && !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| (i, header_specs(l)))
        .collect();
    if let Some(r) = range {
        let exact = [format!("{name}@{r}"), format!("{name}@npm:{r}")];
        if let Some((i, _)) = headers.iter().find(|(_, specs)| specs.iter().any(|s| exact.contains(s))) {
            return version_in(*i);
        }
    }
    let (i, _) = headers.iter().find(|(_, specs)| specs.iter().any(|s| s.starts_with(at.as_str())))?;
    version_in(*i)
}

/// bun.lock: `"apps/web/next-auth": ["next-auth@5.0.0-beta.32", …]` for a workspace's own
/// version, else `"next-auth": ["next-auth@…", …]`.
fn bun_lock(text: &str, importer: &str, name: &str) -> Option<String> {
    let mut keys = Vec::new();
    if !importer.is_empty() {
        keys.push(format!("\"{importer}/{name}\": [\"{name}@"));
    }
    keys.push(format!("\"{name}\": [\"{name}@"));
    keys.iter().find_map(|k| {
        let i = text.find(k.as_str())?;
        version_prefix(&text[i + k.len()..])
    })
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
