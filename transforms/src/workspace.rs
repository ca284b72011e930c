//! A monorepo's workspace declaration: the package folders it names, read from the root
//! `package.json` (`"workspaces": [...]` as npm, yarn and bun write it, or yarn's
//! `{ "packages": [...] }`) and `pnpm-workspace.yaml` (`packages:`). Text in, glob patterns out;
//! the CLI matches them against the folders it finds.
use saphyr::{LoadableYamlNode, Yaml};

/// The workspace globs (`apps/*`, `packages/**`), negations (`!packages/legacy`) kept with their `!`.
pub fn patterns(package_json: Option<&str>, pnpm_workspace: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = package_json.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()) {
        let list = match v.get("workspaces") {
            Some(serde_json::Value::Array(a)) => Some(a),
            Some(serde_json::Value::Object(o)) => o.get("packages").and_then(|p| p.as_array()),
            _ => None,
        };
        out.extend(list.into_iter().flatten().filter_map(|s| s.as_str()).map(String::from));
    }
    if let Some(text) = pnpm_workspace {
        if let Ok(docs) = Yaml::load_from_str(text) {
            for doc in &docs {
                if let Some(seq) = doc.as_mapping_get("packages").and_then(|p| p.as_sequence()) {
                    out.extend(seq.iter().filter_map(|s| s.as_str()).map(String::from));
                }
            }
        }
    }
    out.iter_mut().for_each(|p| {
        // `./packages/*` and `packages/*/` mean `packages/*`.
        let neg = p.starts_with('!');
        let body = p.trim_start_matches('!').trim_start_matches("./").trim_end_matches('/').to_string();
        *p = if neg { format!("!{body}") } else { body };
    });
    out.retain(|p| !p.is_empty() && p != "!");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_yarn_and_pnpm_declarations() {
        assert_eq!(patterns(Some(r#"{"workspaces":["apps/*","./packages/*/"]}"#), None), vec!["apps/*", "packages/*"]);
        assert_eq!(patterns(Some(r#"{"workspaces":{"packages":["packages/**"],"nohoist":["**/x"]}}"#), None), vec!["packages/**"]);
        let pnpm = "# the apps\npackages:\n  - 'apps/*'\n  - \"packages/*\"\n  - '!packages/legacy'\ncatalog:\n  react: ^19\n";
        assert_eq!(patterns(Some(r#"{"name":"root"}"#), Some(pnpm)), vec!["apps/*", "packages/*", "!packages/legacy"]);
        assert!(patterns(Some("not json"), Some(": : :")).is_empty());
        assert!(patterns(None, Some("packages: 3\n")).is_empty());
    }
}
