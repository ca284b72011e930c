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

pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A template that documents the variables (`.env.example`, `.env.sample`, `.env.template`,
/// `.env.dist`): Next never loads it.
pub fn is_example(path: &str) -> bool {
    let n = file_name(path);
    [".env.example", ".env.sample", ".env.template", ".env.dist", ".env.local.example", ".env.example.local"].contains(&n)
}

/// `.env.local`, `.env.development.local`, … (never meant to be committed).
pub fn is_local(path: &str) -> bool {
    file_name(path).ends_with(".local") && !is_example(path)
}

/// Files `next start` loads (`.env`, `.env.local`, `.env.production`, `.env.production.local`).
pub fn loaded_in_production(path: &str) -> bool {
    [".env", ".env.local", ".env.production", ".env.production.local"].contains(&file_name(path))
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
    fn own_files() {
        let mut p = Project::new(ProjectFacts::default());
        for f in [".env", ".env.local", "../../.env.example", "../.env", "package.json", "../../.gitignore"] {
            p.set_file(f, "A=1\n");
        }
        assert_eq!(env_files(&p), vec![".env", ".env.local"]);
        assert!(is_example("../../.env.example") && !is_local("../../.env.example"));
        assert!(!loaded_in_production(".env.development.local") && loaded_in_production(".env.local"));
    }
}
