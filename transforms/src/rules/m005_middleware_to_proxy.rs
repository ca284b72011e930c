use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw, ExportVal, Kind};
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// Finds a `middleware.ts` (or `.js`, at the root or under `src/`) in a Next >= 16 app, where
    /// the file convention is deprecated and renamed `proxy.ts`.
    ///
    /// ## Why is this bad?
    /// Next 16 warns "The "middleware" file convention is deprecated. Please use "proxy" instead" on
    /// every build (`next/dist/build/index.js`). A proxy file runs `mod.proxy || mod.default`, so a
    /// `middleware` export must be renamed with the file
    /// (`next/dist/esm/build/templates/middleware.js`), and a proxy rejects any `runtime` segment
    /// config: "Route segment config is not allowed in Proxy file … Proxy always runs on Node.js
    /// runtime" (`next/dist/esm/build/analysis/get-page-static-info.js`). Both files present is a
    /// build error.
    ///
    /// ## Example
    /// ```ts
    /// // middleware.ts
    /// export { auth as middleware } from "@/auth";
    /// export const config = { runtime: "nodejs", matcher: ["/dashboard/:path*"] };
    /// ```
    /// Use instead:
    /// ```ts
    /// // proxy.ts
    /// export { auth as proxy } from "@/auth";
    /// export const config = { matcher: ["/dashboard/:path*"] };
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: a middleware without `runtime: "nodejs"` runs on the Edge runtime, a proxy always on
    /// Node.js (`runDependingOnPageType` in `next/dist/build/entries.js`), so the same code runs in
    /// another runtime (different globals, different hosting limits). The fix moves the file to `proxy.<ext>` beside it, renames a `middleware` export
    /// (and its references) to `proxy`, and drops `runtime` from `config` or a top-level
    /// `export const runtime`. Files M002/M003 still have to fix are left for the next pass.
    pub struct MiddlewareToProxy {
        code: "M005",
        name: "middleware-to-proxy",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Warning,
        summary: "Next 16 deprecates `middleware.ts` in favour of `proxy.ts`",
    }
}

impl Rule for MiddlewareToProxy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if mw::next_major(project).is_none_or(|m| m < 16) {
            return;
        }
        let loaded = mw::loaded_files(project);
        for f in loaded.iter().filter(|f| f.kind == Kind::Middleware) {
            let Some(text) = project.text(&f.path) else { continue };
            let Some(p) = project.parsed(&f.path) else { continue };
            let exps = mw::exports(&p);
            // M002/M003 (safe) fix these first; this fix then applies to their result.
            let pending = exps.iter().any(|e| {
                matches!(&e.val, ExportVal::Destructured { .. }) && e.name == "middleware"
                    || e.name == "default" && e.bare_spec.is_some() && matches!(&e.val, ExportVal::ReExport { orig, .. } if orig == "default")
            });
            if pending {
                continue;
            }
            let anchor = exps.iter().find(|e| e.name == "middleware").or_else(|| exps.iter().find(|e| e.name == "default"));
            let (start, end) = match anchor {
                Some(e) => {
                    let s = e.name_span.unwrap_or(e.stmt);
                    (p.lo(s), p.hi(s))
                }
                None => (0, 0),
            };
            let new_path = format!("{}proxy.{}", f.dir, f.ext);
            if let Some(other) = loaded.iter().find(|o| o.kind == Kind::Proxy) {
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        &f.path,
                        start,
                        end,
                        format!(
                            "`{}` and `{}` both exist: Next 16 refuses to build (\"Both middleware file … and proxy file … are detected\")",
                            f.path, other.path
                        ),
                    )
                    .with_note(format!("Merge the middleware into `{}` and delete `{}`.", other.path, f.path)),
                );
                continue;
            }
            let d = Diagnostic::new(
                &Self::META,
                &f.path,
                start,
                end,
                "the `middleware` file convention is deprecated on Next 16 (renamed `proxy`): every build warns, and the file runs on the Edge runtime unless it asks for Node.js",
            );
            match proxy_text(&p, text, &exps) {
                Ok(content) => out.push(d.with_fix(Fix::new(
                    Applicability::Unsafe,
                    format!("Move `{}` to `{new_path}`, export `proxy`, drop the `runtime` config", f.path),
                    vec![Change::Create { file: new_path.clone(), content }, Change::Delete { file: f.path.clone() }],
                ))),
                Err(why) => out.push(d.with_note(why)),
            }
        }
    }
}

/// The file's text as `proxy.<ext>`: the `middleware` export renamed, `runtime` config dropped.
fn proxy_text(p: &Parsed, text: &str, exps: &[mw::Export]) -> Result<String, String> {
    let mut edits: Vec<Edit> = Vec::new();
    if let Some(e) = exps.iter().find(|e| e.name == "middleware") {
        if exps.iter().any(|e| e.name == "proxy") {
            return Err("The file exports both `middleware` and `proxy`: keep one, then rename the file to `proxy`.".into());
        }
        match mw::rename_export(p, text, e, "proxy") {
            Some(r) => edits.extend(r),
            None => return Err("Rename the file to `proxy` and its `middleware` export to `proxy` (the name `proxy` is already used in this file).".into()),
        }
    }
    // `export const runtime = "…"`
    for item in &p.module.body {
        if let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), span })) = item {
            if v.decls.len() == 1 && matches!(&v.decls[0].name, Pat::Ident(i) if &*i.id.sym == "runtime") {
                edits.push(edit::delete_statement_lines(text, p.lo(*span), p.hi(*span)));
            }
        }
    }
    // `config.runtime`
    if let Some((stmt, obj)) = mw::config_object(p) {
        if let Some((idx, kv)) = mw::find_prop(obj, "runtime") {
            if obj.props.len() == 1 {
                edits.push(edit::delete_statement_lines(text, p.lo(stmt), p.hi(stmt)));
            } else {
                let prev_end = if idx > 0 { Some(p.hi(obj.props[idx - 1].span())) } else { None };
                edits.push(edit::delete_list_element(text, p.lo(kv.span()), p.hi(kv.span()), prev_end));
            }
        }
    }
    for (i, a) in edits.iter().enumerate() {
        if edits[i + 1..].iter().any(|b| a.conflicts(b)) {
            return Err("Rename the file to `proxy`, its `middleware` export to `proxy`, and drop the `runtime` config.".into());
        }
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = edit::apply(text, &edits, eol);
    // A statement deleted at the end of the file leaves the blank line above it.
    let blank_end = format!("{eol}{eol}");
    while out.ends_with(&blank_end) && !text.ends_with(&blank_end) {
        out.truncate(out.len() - eol.len());
    }
    Ok(out)
}
