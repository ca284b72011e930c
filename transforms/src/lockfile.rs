//! Lockfile readers: the version a lockfile resolves for a package, for one app of a workspace —
//! its pnpm importer, its nested npm install, its yarn range, its bun workspace key — before the
//! hoisted entry. Text in, version out (no I/O): the CLI reads the files, the test harnesses pass
//! fixture text. Lockfiles run to megabytes and only a few keys are needed, so they are scanned as
//! text rather than parsed whole.

/// Lockfile names, in the order they are asked.
pub const LOCKFILES: &[&str] = &["package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock"];

/// The range `pkg` asks for `name` (`dependencies`, `devDependencies`, `peerDependencies`).
pub fn dep_range(pkg: &serde_json::Value, name: &str) -> Option<String> {
    ["dependencies", "devDependencies", "peerDependencies"].iter().find_map(|k| pkg.get(k)?.get(name)?.as_str().map(String::from))
}

/// The version lockfile `file` (one of [`LOCKFILES`], by name) with content `text` resolves for
/// `name`, for the app at `importer` (its path relative to the lockfile's folder, `""` for that
/// folder itself; `range` is what its package.json asks for).
pub fn locked_version(file: &str, text: &str, importer: &str, name: &str, range: Option<&str>) -> Option<String> {
    match file {
        "package-lock.json" => npm_lock(text, importer, name),
        "pnpm-lock.yaml" => pnpm_lock(text, importer, name),
        "yarn.lock" => yarn_lock(text, name, range),
        "bun.lock" => bun_lock(text, importer, name),
        _ => None,
    }
}

/// The version of `name` for an app: from its own lockfile, else the nearest one in the folders
/// above it (up to `max_up` levels), else the range in its package.json `pkg`. `read` gives a
/// file's text by its key relative to the app (`pnpm-lock.yaml`, `../../pnpm-lock.yaml`);
/// `app_path` (the app below the outermost root, `apps/web`) names the app's importer in a lockfile
/// above it.
pub fn version_of<T: AsRef<str>>(read: impl Fn(&str) -> Option<T>, app_path: &str, max_up: usize, pkg: &serde_json::Value, name: &str) -> Option<String> {
    resolve_version(read, app_path, max_up, pkg, name).map(|(v, _)| v)
}

/// [`version_of`], and the key of the lockfile that resolved it (`None`: the package.json range).
pub fn resolve_version<T: AsRef<str>>(
    read: impl Fn(&str) -> Option<T>,
    app_path: &str,
    max_up: usize,
    pkg: &serde_json::Value,
    name: &str,
) -> Option<(String, Option<String>)> {
    let range = dep_range(pkg, name);
    let segs: Vec<&str> = app_path.split('/').filter(|s| !s.is_empty()).collect();
    for up in 0..=max_up {
        let importer = if up == 0 || up > segs.len() { String::new() } else { segs[segs.len() - up..].join("/") };
        for f in LOCKFILES {
            let key = format!("{}{f}", "../".repeat(up));
            let Some(text) = read(&key) else { continue };
            if let Some(v) = locked_version(f, text.as_ref(), &importer, name, range.as_deref()) {
                return Some((v, Some(key)));
            }
        }
    }
    range.map(|r| (r, None))
}

/// The lockfile an app's versions come from: its own, else the nearest above it (its key).
pub fn lockfile_of(read: impl Fn(&str) -> bool, max_up: usize) -> Option<String> {
    (0..=max_up).find_map(|up| LOCKFILES.iter().map(|f| format!("{}{f}", "../".repeat(up))).find(|k| read(k)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_lockfile_then_range() {
        let files: std::collections::HashMap<&str, &str> = [(
            "../../pnpm-lock.yaml",
            "importers:\n\n  apps/web:\n    dependencies:\n      next-auth:\n        specifier: 'catalog:'\n        version: 5.0.0-beta.31(next@15.3.3)\n",
        )]
        .into();
        let read = |k: &str| files.get(k).map(|s| s.to_string());
        let pkg = serde_json::json!({"dependencies": {"next-auth": "catalog:"}});
        assert_eq!(version_of(read, "apps/web", 2, &pkg, "next-auth").as_deref(), Some("5.0.0-beta.31"));
        assert_eq!(version_of(read, "apps/web", 1, &pkg, "next-auth").as_deref(), Some("catalog:"), "not looked for above max_up");
        let pkg = serde_json::json!({"dependencies": {"next": "^15.1.0"}});
        assert_eq!(version_of(read, "apps/web", 2, &pkg, "next").as_deref(), Some("^15.1.0"));
        assert_eq!(major_of("catalog:"), None);
    }
}
