//! The files that set up Auth.js: those importing `next-auth` or `@auth/*`, and the
//! `NextAuth(…)` call a project-wide diagnostic points at.
use crate::project::Project;
use swc_core::ecma::ast::*;

/// Source files that import (or re-export) from `next-auth` or `@auth/*` (the auth config,
/// middleware, routes) and contain `needle`.
pub fn auth_sources_with<'a>(project: &'a Project, needle: &str) -> Vec<&'a str> {
    // The files holding `needle` come from the project's literal index (kept across passes).
    let holding: std::collections::HashSet<&str> = project.source_files_containing(needle).collect();
    auth_sources_in(project, |f| holding.contains(f))
}

/// Files that import Auth.js, restricted to those whose text passes `pred` (checked before
/// parsing, so only the files a rule can care about are parsed).
pub fn auth_sources_where(project: &Project, pred: impl Fn(&str) -> bool) -> Vec<&str> {
    auth_sources_in(project, |f| project.text(f).is_some_and(&pred))
}

/// [`auth_sources_where`] with a test of the file's path.
fn auth_sources_in(project: &Project, keep: impl Fn(&str) -> bool) -> Vec<&str> {
    let mut files: Vec<&str> = project.source_files_containing("next-auth").chain(project.source_files_containing("@auth/")).filter(|f| keep(f)).collect();
    files.sort();
    files.dedup();
    files
        .into_iter()
        .filter(|f| {
            project.parsed(f).is_some_and(|p| {
                let is_auth = |s: &str| s == "next-auth" || s.starts_with("next-auth/") || s.starts_with("@auth/");
                p.module.body.iter().any(|item| match item {
                    ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => d.src.value.as_str().is_some_and(is_auth),
                    ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport { src: Some(s), .. })) => s.value.as_str().is_some_and(is_auth),
                    ModuleItem::ModuleDecl(ModuleDecl::ExportAll(e)) => e.src.value.as_str().is_some_and(is_auth),
                    _ => false,
                })
            })
        })
        .collect()
}

/// Textual test: does the file have a default import from `next-auth` (`import NextAuth from
/// "next-auth"`, `import NextAuth, { … } from 'next-auth'`)? Used before parsing.
pub fn may_import_nextauth_default(text: &str) -> bool {
    for q in ["\"next-auth\"", "'next-auth'"] {
        for (i, _) in text.match_indices(q) {
            let stmt_start = text[..i].rfind("import").unwrap_or(0);
            let clause = text[stmt_start..i].trim_start_matches("import").trim_start();
            if clause.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$') && !clause.starts_with("type ") {
                return true;
            }
        }
    }
    false
}

/// Where the auth setup lives, for a diagnostic that concerns the whole project: the first
/// `NextAuth(…)` call (v5 `auth.ts`, v4 route handler), as `(file, start, end)` of its callee.
pub fn nextauth_call(project: &Project) -> Option<(String, usize, usize)> {
    let mut best: Option<(String, usize, usize)> = None;
    for f in auth_sources_in(project, |f| project.text_test(f, "imports NextAuth by default", may_import_nextauth_default)) {
        let Some(p) = project.parsed(f) else { continue };
        let Some(local) = crate::ast::local_name(&p, &["next-auth"], "default") else { continue };
        if let Some(c) = crate::ast::calls(&p).into_iter().find(|c| c.callee == local) {
            let r = p.range(c.callee_span);
            // Prefer the config file over the v4 route handler.
            let is_route = f.contains("[...nextauth]");
            if best.is_none() || (!is_route && best.as_ref().is_some_and(|b| b.0.contains("[...nextauth]"))) {
                best = Some((f.to_string(), r.start, r.end));
            }
        }
    }
    best
}
