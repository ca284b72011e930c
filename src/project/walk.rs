//! The one walker `fix`/`check`, `init` and `doctor --project` use, and its skip list.
use std::path::Path;

/// Folders never scanned (dependencies, build output, caches, version control).
pub const SKIP_DIRS: &[&str] = &["node_modules", ".next", ".git", "out", "dist", "build", ".vercel", ".turbo", "coverage"];

/// A walk of `root` that honours `.gitignore` (nested ones, and those of the parent folders up to
/// the repository root) and `.git/info/exclude`, sees dot-files and dot-folders (`app/.well-known`,
/// `.env.local`), never follows a symbolic link, and skips [`SKIP_DIRS`].
pub fn walker(root: &Path) -> ignore::WalkBuilder {
    let mut b = ignore::WalkBuilder::new(root);
    b.hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .parents(true)
        .follow_links(false)
        .filter_entry(|e| !(e.file_type().is_some_and(|t| t.is_dir()) && SKIP_DIRS.contains(&e.file_name().to_str().unwrap_or(""))));
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_dependencies_and_ignored_files_sees_dot_folders() {
        let d = tempfile::tempdir().unwrap();
        for f in ["app/page.tsx", "app/.well-known/route.ts", "node_modules/x/index.js", ".next/server/a.js", "dist/a.js", "gen/out.ts", ".env.local"] {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::write(d.path().join(".gitignore"), "gen/\n").unwrap();
        let mut seen: Vec<String> = walker(d.path())
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.path().strip_prefix(d.path()).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        seen.sort();
        assert_eq!(seen, vec![".env.local", ".gitignore", "app/.well-known/route.ts", "app/page.tsx"]);
    }
}
