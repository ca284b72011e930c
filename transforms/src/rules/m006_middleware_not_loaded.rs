use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::project::{self, Project};
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw};
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// Finds a `middleware`/`proxy` file that Next never loads: at the app root while the app lives
    /// in `src/app` (or under `src/` while it lives in `app/`), inside the `app` folder itself, or a
    /// `proxy` file on Next < 16.
    ///
    /// ## Why is this bad?
    /// Next lists only the files directly inside the folder that holds `pages/` (else `app/`), and
    /// looks for those folders at the root before `src/` (`next/dist/build/index.js`: `rootDir =
    /// join(pagesDir || appDir, "..")`, `isAtConventionLevel`; `next/dist/lib/find-pages-dir.js`).
    /// A middleware anywhere else is silently ignored: no error, no warning, and every route it
    /// was written to protect is open. Before Next 16 the only name is `middleware`
    /// (`MIDDLEWARE_FILENAME`; `PROXY_FILENAME` is new in 16, `next/dist/lib/constants.js`).
    ///
    /// ## Example
    /// ```text
    /// middleware.ts          <- ignored
    /// src/app/layout.tsx
    /// src/app/dashboard/page.tsx
    /// ```
    /// Use instead:
    /// ```text
    /// src/middleware.ts
    /// src/app/layout.tsx
    /// src/app/dashboard/page.tsx
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the file moves unchanged to where Next looks for it, relative imports recomputed for
    /// the new folder (alias imports stay as written); a `proxy` file on Next < 16 becomes
    /// `middleware.<ext>` with its `proxy` export renamed. Behaviour changes only where it was broken:
    /// the protection the file describes starts to run. No fix when a middleware/proxy file already
    /// sits where Next looks (the diagnostic says which one runs), or when a relative import
    /// cannot be resolved.
    pub struct MiddlewareNotLoaded {
        code: "M006",
        name: "middleware-not-loaded",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "a middleware/proxy file sits where Next never loads it, so it protects nothing",
    }
}

impl Rule for MiddlewareNotLoaded {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let Some(home) = mw::home(project) else { return };
        self.proxy_before_16(project, out);
        let app_dirs = ["app/", "src/app/"];
        let misplaced: Vec<mw::MwFile> = project
            .paths()
            .filter_map(mw::classify)
            .filter(|f| (f.dir.is_empty() || f.dir == "src/" || app_dirs.contains(&f.dir.as_str())) && f.dir != home)
            .filter(|f| project.text(&f.path).is_some_and(mw::looks_like_next_middleware))
            .collect();
        if misplaced.is_empty() {
            return;
        }
        let loaded = mw::loaded_files(project);
        let where_ = if home.is_empty() { "the project root".to_string() } else { format!("`{home}`") };
        for f in &misplaced {
            let Some(text) = project.text(&f.path) else { continue };
            if !mw::looks_like_next_middleware(text) {
                continue;
            }
            let stem = match f.kind {
                mw::Kind::Middleware => "middleware",
                mw::Kind::Proxy => "proxy",
            };
            let target = format!("{home}{stem}.{}", f.ext);
            let why = if app_dirs.contains(&f.dir.as_str()) {
                format!("Next never loads a {stem} file inside the app folder, only from {where_}")
            } else {
                format!("Next loads {stem} files only from {where_}, next to the `app`/`pages` folder")
            };
            let d = Diagnostic::new(
                &Self::META,
                &f.path,
                0,
                first_line_end(text),
                format!("`{}` is never loaded: {why}, so nothing it checks runs and the routes it protects are open", f.path),
            );
            if let Some(l) = loaded.first() {
                out.push(d.with_note(format!("`{}` is the file Next runs: merge this one into it and delete `{}`.", l.path, f.path)));
                continue;
            }
            if misplaced.len() > 1 {
                out.push(d.with_note(format!("Several files compete for {where_}: keep one, move it to `{target}`.")));
                continue;
            }
            match moved_text(project, &f.path, &target, text) {
                Some(content) => out.push(d.with_fix(Fix::new(
                    Applicability::Safe,
                    format!("Move `{}` to `{target}`", f.path),
                    vec![Change::Create { file: target.clone(), content }, Change::Delete { file: f.path.clone() }],
                ))),
                None => out.push(d.with_note(format!("Move it to `{target}` and fix its relative imports."))),
            }
        }
    }
}

impl MiddlewareNotLoaded {
    /// `proxy.ts` on Next < 16: the convention does not exist there (Next 15 looks only for
    /// `middleware`), so the file is never loaded. It becomes `middleware.<ext>` exporting
    /// `middleware`.
    fn proxy_before_16(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let Some(major) = mw::next_major(project) else { return };
        if major >= 16 {
            return;
        }
        let loaded = mw::home_files(project);
        for f in loaded.iter().filter(|f| f.kind == mw::Kind::Proxy) {
            let Some(text) = project.text(&f.path) else { continue };
            if !mw::looks_like_next_middleware(text) {
                continue;
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            let target = format!("{}middleware.{}", f.dir, f.ext);
            let d = Diagnostic::new(
                &Self::META,
                &f.path,
                0,
                first_line_end(text),
                format!("`{}` is never loaded: Next {major} knows only `middleware` files (`proxy` arrived in Next 16), so nothing it checks runs and the routes it protects are open", f.path),
            );
            if let Some(m) = loaded.iter().find(|o| o.kind == mw::Kind::Middleware) {
                out.push(d.with_note(format!("`{}` is the file Next runs: merge this one into it and delete `{}`.", m.path, f.path)));
                continue;
            }
            let exps = mw::exports(&p);
            let mut edits = Vec::new();
            if let Some(e) = exps.iter().find(|e| e.name == "proxy") {
                match mw::rename_export(&p, text, e, "middleware") {
                    Some(r) if !exps.iter().any(|e| e.name == "middleware") => edits = r,
                    _ => {
                        out.push(d.with_note(format!("Rename it to `{target}` and its `proxy` export to `middleware`.")));
                        continue;
                    }
                }
            }
            let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let content = edit::apply(text, &edits, eol);
            out.push(d.with_fix(Fix::new(
                Applicability::Safe,
                format!("Rename `{}` to `{target}` and export `middleware`", f.path),
                vec![Change::Create { file: target.clone(), content }, Change::Delete { file: f.path.clone() }],
            )));
        }
    }
}

fn first_line_end(text: &str) -> usize {
    text.find('\n').map_or(text.len(), |i| i).min(text.len())
}

/// The text with relative import/export sources recomputed for `to`.
fn moved_text(project: &Project, from: &str, to: &str, text: &str) -> Option<String> {
    let p = project.parsed(from)?;
    let mut edits = Vec::new();
    for item in &p.module.body {
        let src = match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => &d.src,
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport { src: Some(s), .. })) => s,
            ModuleItem::ModuleDecl(ModuleDecl::ExportAll(e)) => &e.src,
            _ => continue,
        };
        let spec = src.value.as_str()?;
        if !(spec.starts_with("./") || spec.starts_with("../")) {
            continue;
        }
        let resolved = project.resolve_import(from, spec)?;
        let ext = [".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs"].iter().find(|e| spec.ends_with(**e)).copied().unwrap_or("");
        let new_spec = format!("{}{ext}", project::relative(project::parent(to), &project::strip_ext(&resolved)));
        if new_spec == spec {
            continue;
        }
        let r = p.range(src.span);
        let quote = &text[r.start..r.start + 1];
        edits.push(Edit::replace(r.start, r.end, format!("{quote}{new_spec}{quote}")));
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Some(edit::apply(text, &edits, eol))
}
