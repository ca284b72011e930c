use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Diagnostic, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw, ExportVal, Kind};

declare_rule! {
    /// ## What it does
    /// Finds a `middleware`/`proxy` file with both a default export (typically
    /// `export { default } from "next-auth/middleware"`) and a named `middleware` or `proxy`
    /// export, and says which one Next runs.
    ///
    /// ## Why is this bad?
    /// Next runs exactly one function per file: `mod.middleware || mod.default` in a middleware
    /// file, `mod.proxy || mod.default` in a proxy file (`next/dist/esm/build/templates/middleware.js`).
    /// With both, the named export wins and the default one never runs — a `withAuth` default
    /// export beside a hand-written `middleware` function protects nothing. In a proxy file a
    /// `middleware` export is ignored and the default export runs instead.
    ///
    /// ## Example
    /// ```ts
    /// // middleware.ts
    /// export { default } from "next-auth/middleware";
    ///
    /// export function middleware(request: NextRequest) {
    ///   return NextResponse.next();
    /// }
    /// ```
    /// Use instead:
    /// ```ts
    /// // middleware.ts
    /// import { withAuth } from "next-auth/middleware";
    ///
    /// export default withAuth(function middleware(request) {
    ///   return NextResponse.next();
    /// });
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which of the two functions the user meant to keep, or how to merge them, is a
    /// decision only they can make. The diagnostic names the one that runs.
    pub struct ConflictingMiddlewareExports {
        code: "M007",
        name: "conflicting-middleware-exports",
        fix: None,
        severity: Error,
        summary: "a middleware/proxy file exports both a default and a named function: only one of them runs",
    }
}

impl Rule for ConflictingMiddlewareExports {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for f in mw::loaded_files(project) {
            let Some(p) = project.parsed(&f.path) else { continue };
            let exps = mw::exports(&p);
            let Some(default) = exps.iter().find(|e| e.name == "default") else { continue };
            let runs = f.kind.export_name();
            let other = match f.kind {
                Kind::Middleware => "proxy",
                Kind::Proxy => "middleware",
            };
            let described = describe(default);
            if let Some(named) = exps.iter().find(|e| e.name == runs) {
                if same_function(default, named) {
                    continue;
                }
                let span = named.name_span.unwrap_or(named.stmt);
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        &f.path,
                        p.lo(span),
                        p.hi(span),
                        format!("Next runs only the named `{runs}` export of this file, so the default export ({described}) never runs and whatever it checks is skipped"),
                    )
                    .with_note(if described.contains("next-auth/middleware") || described.contains("withAuth") {
                        format!("Keep one function: pass the `{runs}` function to `withAuth` (`export default withAuth(function {runs}(req) {{ … }})`) or delete one of the two exports.")
                    } else {
                        format!("Keep one function: merge the two into the `{runs}` export, or delete one of them.")
                    }),
                );
            } else if f.kind == Kind::Proxy {
                if let Some(named) = exps.iter().find(|e| e.name == other && !matches!(e.val, ExportVal::Other)) {
                    let span = named.name_span.unwrap_or(named.stmt);
                    out.push(
                        Diagnostic::new(
                            &Self::META,
                            &f.path,
                            p.lo(span),
                            p.hi(span),
                            format!("a proxy file runs only `proxy` or the default export, so this `middleware` export never runs; the default export ({described}) runs instead"),
                        )
                        .with_note("Keep one function: merge the `middleware` function into the default export, or delete one of the two exports."),
                    );
                }
            }
        }
    }
}

fn describe(e: &mw::Export) -> String {
    match &e.val {
        ExportVal::ReExport { src, orig } if orig == "default" => format!("the default export of \"{src}\""),
        ExportVal::ReExport { src, orig } => format!("`{orig}` from \"{src}\""),
        ExportVal::Local(l) => format!("`{l}`"),
        ExportVal::Expr(x) => match crate::ast::unwrap_expr(x) {
            swc_core::ecma::ast::Expr::Ident(i) => format!("`{}`", i.sym),
            swc_core::ecma::ast::Expr::Call(c) => match &c.callee {
                swc_core::ecma::ast::Callee::Expr(ce) => match &**ce {
                    swc_core::ecma::ast::Expr::Ident(i) => format!("`{}(…)`", i.sym),
                    _ => "the default function".into(),
                },
                _ => "the default function".into(),
            },
            _ => "the default function".into(),
        },
        _ => "the default function".into(),
    }
}

/// `export default middleware` beside `export … middleware`: one function under two names.
fn same_function(default: &mw::Export, named: &mw::Export) -> bool {
    let default_local = match &default.val {
        ExportVal::Expr(x) => match crate::ast::unwrap_expr(x) {
            swc_core::ecma::ast::Expr::Ident(i) => Some(i.sym.to_string()),
            _ => None,
        },
        ExportVal::Local(l) => Some(l.clone()),
        _ => None,
    };
    let named_local = match &named.val {
        ExportVal::Local(l) => l.clone(),
        _ => named.name.clone(),
    };
    default_local.as_deref() == Some(named_local.as_str())
}
