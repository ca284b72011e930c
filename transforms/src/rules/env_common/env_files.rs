//! Env files: which exist, which Next loads where, their entries, and the changes that append a
//! line or rename a key. Entries come from the byte-range-keeping reader in [`crate::dotenv`].
use crate::dotenv::{self, Entry};
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::Change;

/// The app's own env files (`.env`, `.env.local`, `.env.example`, …), sorted; not those in folders
/// above the app (keys starting with `../`).
pub fn env_files(project: &Project) -> Vec<&str> {
    let mut v: Vec<&str> = project.data_files().filter(|p| dotenv::is_env_file(p) && !p.starts_with("../")).collect();
    v.sort();
    v
}

/// Env files in the folders between the app and the workspace or git root (`../../.env.example`),
/// nearest first. Next never loads them by itself; a monorepo documents or loads its variables
/// there.
pub fn outer_env_files(project: &Project) -> Vec<&str> {
    let mut v: Vec<&str> = project.data_files().filter(|p| p.starts_with("../") && dotenv::is_env_file(p)).collect();
    v.sort_by_key(|p| (p.matches("../").count(), *p));
    v
}

/// The outer env files something loads for the app: named in a script of the app's or the
/// root's `package.json` (`dotenv -e ../../.env -- next dev`, `env-cmd -f`, `node --env-file`),
/// a root script that wraps the run in `dotenv` (dotenv-cli's default file is the root `.env`),
/// or listed in the root `turbo.json` (`globalDotEnv`, a task's `dotEnv`).
pub fn outer_env_loaded(project: &Project) -> Vec<&str> {
    let scripts = |pkg: &str| -> Vec<String> {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(project.text(pkg).unwrap_or("")) else { return vec![] };
        v.get("scripts").and_then(|s| s.as_object()).map(|o| o.values().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
    };
    let own = scripts("package.json");
    outer_env_files(project)
        .into_iter()
        .filter(|f| {
            let up = "../".repeat(crate::project::levels_up(f));
            let name = file_name(f);
            let root_scripts = scripts(&format!("{up}package.json"));
            let turbo = project.text(&format!("{up}turbo.json")).unwrap_or("");
            let root_loads = |s: &String| {
                let t: Vec<&str> = s.split_whitespace().collect();
                let names = |x: &&str| *x == name || x.strip_prefix("./") == Some(name) || x.strip_prefix("--env-file=") == Some(name);
                let dotenv_cli = t.iter().any(|x| *x == "dotenv" || x.ends_with("/dotenv") || *x == "dotenv-cli");
                t.iter().any(|x| x.strip_prefix("--env-file=") == Some(name))
                    || (dotenv_cli || t.contains(&"env-cmd")) && (t.iter().any(names) || (name == ".env" && !t.contains(&"-e") && !t.contains(&"-f")))
            };
            own.iter().any(|s| s.contains(*f))
                || root_scripts.iter().any(root_loads)
                || ((turbo.contains("globalDotEnv") || turbo.contains("dotEnv")) && turbo.contains(&format!("\"{name}\"")))
        })
        .collect()
}

pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A template that documents the variables (`.env.example`, `.env.sample`, `.env.template`,
/// `.env.dist`, with a `.txt` too, and `env.example` written without the dot): Next never loads it.
pub fn is_example(path: &str) -> bool {
    let n = file_name(path);
    let dotted = n.strip_suffix(".txt").unwrap_or(n);
    [".env.example", ".env.sample", ".env.template", ".env.dist", ".env.local.example", ".env.example.local"].contains(&dotted)
        || crate::dotenv::is_undotted_template(n)
}

/// `.env.local`, `.env.development.local`, … (never meant to be committed).
pub fn is_local(path: &str) -> bool {
    file_name(path).ends_with(".local") && !is_example(path)
}

/// Files `next start` loads (`.env`, `.env.local`, `.env.production`, `.env.production.local`).
pub fn loaded_in_production(path: &str) -> bool {
    [".env", ".env.local", ".env.production", ".env.production.local"].contains(&file_name(path))
}

/// Files `next dev` loads (`.env`, `.env.local`, `.env.development`, `.env.development.local`).
pub fn loaded_in_development(path: &str) -> bool {
    [".env", ".env.local", ".env.development", ".env.development.local"].contains(&file_name(path))
}

/// Every entry with one of `keys` in the app's env files: `(file, entry)`.
pub fn entries_with<'a>(project: &'a Project, keys: &[&str]) -> Vec<(&'a str, Entry)> {
    entries_in(project, env_files(project), keys)
}

/// Every entry with one of `keys` in the given files: `(file, entry)`.
pub fn entries_in<'a>(project: &'a Project, files: Vec<&'a str>, keys: &[&str]) -> Vec<(&'a str, Entry)> {
    let mut out = Vec::new();
    for f in files {
        for e in dotenv::parse(project.text(f).unwrap_or("")) {
            if keys.contains(&e.key.as_str()) {
                out.push((f, e));
            }
        }
    }
    out
}

/// The change that adds `line` to `file`: appended when the file exists, else a new file.
pub fn append_or_create(project: &Project, file: &str, line: &str) -> Change {
    match project.text(file) {
        Some(t) => Change::edit(file, dotenv::append_line(t, line)),
        None => Change::Create { file: file.to_string(), content: format!("{line}\n") },
    }
}

/// The change that renames the key of `e` in `file` to `new_key` (only the key's bytes).
pub fn rename_key(file: &str, e: &Entry, new_key: &str) -> Change {
    Change::edit(file, Edit::replace(e.key_range.start, e.key_range.end, new_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::ProjectFacts;

    #[test]
    fn own_and_outer_files() {
        let mut p = Project::new(ProjectFacts::default());
        for f in [".env", ".env.local", "../../.env.example", "../.env", "package.json", "../../.gitignore"] {
            p.set_file(f, "A=1\n");
        }
        assert_eq!(env_files(&p), vec![".env", ".env.local"]);
        assert_eq!(outer_env_files(&p), vec!["../.env", "../../.env.example"]);
        assert!(is_example("../../.env.example") && !is_local("../../.env.example"));
        assert!(loaded_in_development(".env.development.local") && !loaded_in_production(".env.development.local"));
    }

    #[test]
    fn outer_files_a_monorepo_loads() {
        let with = |files: &[(&str, &str)]| {
            let mut p = Project::new(ProjectFacts::default());
            p.set_file("../../.env", "AUTH_SECRET=x\n");
            p.set_file("../../.env.local", "AUTH_SECRET=x\n");
            for (f, t) in files {
                p.set_file(*f, *t);
            }
            outer_env_loaded(&p).into_iter().map(String::from).collect::<Vec<_>>()
        };
        assert!(with(&[]).is_empty());
        assert_eq!(with(&[("package.json", r#"{"scripts":{"dev":"dotenv -e ../../.env -- next dev"}}"#)]), vec!["../../.env"]);
        assert_eq!(with(&[("../../package.json", r#"{"scripts":{"dev":"dotenv -- turbo run dev"}}"#)]), vec!["../../.env"]);
        assert_eq!(with(&[("../../package.json", r#"{"scripts":{"dev":"dotenv -e .env.local -- turbo dev"}}"#)]), vec!["../../.env.local"]);
        assert_eq!(with(&[("../../turbo.json", r#"{"globalDotEnv":[".env.local"]}"#)]), vec!["../../.env.local"]);
        assert!(with(&[("../../package.json", r#"{"scripts":{"lint":"eslint . --ignore-path .env"}}"#)]).is_empty());
    }
}
