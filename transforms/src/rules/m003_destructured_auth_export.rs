use crate::declare_rule;
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw, ExportVal};
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// Finds `export const { auth: middleware } = NextAuth(authConfig)` (the edge-split form from
    /// the Auth.js v5 docs) in the `middleware`/`proxy` file of a Next >= 16 app.
    ///
    /// ## Why is this bad?
    /// Next 16 checks the file's exports in its AST before building it
    /// (`validateMiddlewareProxyExports` in `next/dist/esm/build/analysis/get-page-static-info.js`):
    /// for `export const` it reads the name of the first declarator's identifier, and a destructuring
    /// pattern has none. The middleware function is invisible to the check, and `next build` fails
    /// with "The file … must export a function, either as a default export or as a named … export"
    /// (ran).
    ///
    /// ## Example
    /// ```ts
    /// import NextAuth from "next-auth";
    /// import authConfig from "./auth.config";
    ///
    /// export const { auth: middleware } = NextAuth(authConfig);
    /// ```
    /// Use instead:
    /// ```ts
    /// import NextAuth from "next-auth";
    /// import authConfig from "./auth.config";
    ///
    /// const { auth } = NextAuth(authConfig);
    /// export default auth;
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the same `auth` function is exported, as the default export, which Next runs when no
    /// named `middleware`/`proxy` export exists (`next/dist/esm/build/templates/middleware.js`:
    /// `mod.middleware || mod.default`). Not offered when `auth` is already a name in the file or
    /// the destructured name is used elsewhere in it.
    pub struct DestructuredAuthExport {
        code: "M003",
        name: "destructured-auth-export",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "`export const { auth: middleware } = NextAuth(cfg)` fails `next build` on Next 16",
    }
}

impl Rule for DestructuredAuthExport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major == Some(4) {
            return;
        }
        for f in mw::loaded_files(project) {
            if !mw::is_next16(project, &f) {
                continue;
            }
            let Some(text) = project.text(&f.path) else { continue };
            if !text.contains("auth") {
                continue;
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            let exps = mw::exports(&p);
            // A default export, or a plain `middleware`/`proxy` export, passes the check.
            let visible = exps.iter().any(|e| e.name == "default" || (e.name == f.kind.export_name() && !matches!(e.val, ExportVal::Destructured { .. })));
            if visible {
                continue;
            }
            let Some(exp) = exps.iter().find(|e| {
                (e.name == "middleware" || e.name == "proxy")
                    && matches!(&e.val, ExportVal::Destructured { key, init: Some(init) } if key == "auth" && matches!(crate::ast::unwrap_expr(init), Expr::Call(_)))
            }) else {
                continue;
            };
            let (start, end) = (p.lo(exp.stmt), p.hi(exp.stmt));
            let name = exp.name.clone();
            let d = Diagnostic::new(
                &Self::META,
                &f.path,
                start,
                end,
                format!("`export const {{ auth: {name} }} = NextAuth(…)` fails `next build` on Next 16: its export check cannot see a function exported through a destructuring pattern, so the app does not build"),
            );
            out.push(match fix(&p, text, exp) {
                Some(edits) => d.with_fix(Fix::new(
                    Applicability::Safe,
                    "Destructure `auth` and export it as the default export",
                    edits.into_iter().map(|e| Change::edit(&f.path, e)).collect(),
                )),
                None => d.with_note("Write `const { auth } = NextAuth(authConfig)` and `export default auth` instead."),
            });
        }
    }
}

fn fix(p: &crate::parse::Parsed, text: &str, exp: &mw::Export) -> Option<Vec<Edit>> {
    // The statement: `export const { auth: X } = init;` with one declarator and one property.
    let decl = p.module.body.iter().find_map(|i| match i {
        ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) if e.span == exp.stmt => Some(e),
        _ => None,
    })?;
    let Decl::Var(var) = &decl.decl else { return None };
    if var.decls.len() != 1 {
        return None;
    }
    let Pat::Object(obj) = &var.decls[0].name else { return None };
    if obj.props.len() != 1 {
        return None;
    }
    let prop = &obj.props[0];
    let names = crate::ast::top_level_names(p);
    if names.iter().any(|n| n == "auth") {
        return None;
    }
    let uses = crate::ast::ident_refs(&p.module).iter().filter(|(n, _)| *n == exp.name).count();
    if uses != 1 {
        return None;
    }
    let mut edits = vec![Edit::delete(p.lo(decl.span), p.lo(var.span)), Edit::replace(p.lo(prop.span()), p.hi(prop.span()), "auth")];
    let semi = if text[p.range(decl.span)].trim_end().ends_with(';') { ";" } else { "" };
    edits.push(Edit::insert(p.hi(decl.span), format!("\nexport default auth{semi}")));
    Some(edits)
}
