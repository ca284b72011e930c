use crate::declare_rule;
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw, ExportVal, Kind};
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// Finds the v4 one-liner `export { default } from "next-auth/middleware"` in the
    /// `middleware`/`proxy` file of a Next >= 16 app.
    ///
    /// ## Why is this bad?
    /// Next 16 checks the file's exports in its AST before building it
    /// (`validateMiddlewareProxyExports` in `next/dist/esm/build/analysis/get-page-static-info.js`):
    /// it accepts an `export default` declaration or expression, or a specifier exported as
    /// `middleware`/`proxy`. A bare `export { default } from …` is none of these, so `next build`
    /// fails with "The file … must export a function, either as a default export or as a named
    /// … export" (ran, in both `middleware.ts` and `proxy.ts`).
    ///
    /// ## Example
    /// ```ts
    /// // middleware.ts
    /// export { default } from "next-auth/middleware";
    /// export const config = { matcher: ["/dashboard/:path*"] };
    /// ```
    /// Use instead:
    /// ```ts
    /// // middleware.ts
    /// import { withAuth } from "next-auth/middleware";
    ///
    /// export default withAuth({});
    /// export const config = { matcher: ["/dashboard/:path*"] };
    /// ```
    /// In `proxy.ts`: `export { default as proxy } from "next-auth/middleware";`.
    ///
    /// ## Fix safety
    /// Safe: `withAuth({})` returns the same handler the default export is
    /// (`next-auth/src/next/middleware.ts`: called with a request, `withAuth` runs
    /// `handleMiddleware` with no options; called with `{}` it returns a middleware doing exactly
    /// that), and `default as proxy` re-exports the same function under the name Next 16 looks for.
    /// The `config` export is kept. v5 is left alone: `next-auth/middleware` does not exist there.
    pub struct MiddlewareReexport {
        code: "M002",
        name: "middleware-reexport",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "`export { default } from \"next-auth/middleware\"` fails `next build` on Next 16",
    }
}

impl Rule for MiddlewareReexport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major == Some(5) {
            return;
        }
        for f in mw::loaded_files(project) {
            if !mw::is_next16(project, &f) {
                continue;
            }
            let Some(text) = project.text(&f.path) else { continue };
            if !text.contains("next-auth/middleware") {
                continue;
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            let exps = mw::exports(&p);
            let Some(re) = exps.iter().find(|e| {
                e.name == "default"
                    && e.bare_spec.is_some()
                    && matches!(&e.val, ExportVal::ReExport { src, orig } if src == "next-auth/middleware" && orig == "default")
            }) else {
                continue;
            };
            // Another export Next would run instead (or beside it): M007's business.
            if exps.iter().any(|e| e.name == f.kind.export_name()) || exps.iter().filter(|e| e.name == "default").count() > 1 {
                continue;
            }
            let start = p.lo(re.stmt);
            let end = p.hi(re.stmt);
            let d = Diagnostic::new(
                &Self::META,
                &f.path,
                start,
                end,
                "`export { default } from \"next-auth/middleware\"` fails `next build` on Next 16: its export check sees neither a default export nor a named `middleware`/`proxy` export in a bare re-export, so the app does not build",
            );
            let style = project.file_style(&f.path);
            let fix = match f.kind {
                Kind::Proxy => re
                    .name_span
                    .map(|s| Fix::new(Applicability::Safe, "Re-export it as `proxy`", vec![Change::edit(&f.path, Edit::insert(p.hi(s), " as proxy"))])),
                Kind::Middleware => {
                    let single = p
                        .module
                        .body
                        .iter()
                        .any(|i| matches!(i, ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(n)) if n.span == re.stmt && n.specifiers.len() == 1));
                    let taken = crate::ast::top_level_names(&p).iter().any(|n| n == "withAuth");
                    (single && !taken).then(|| {
                        // The statement's own semicolon says more than the file's other lines.
                        let semi = if text[start..end].trim_end().ends_with(';') { ";" } else { "" };
                        let code = format!("import {{ withAuth }} from {}{semi}\n\nexport default withAuth({{}}){semi}", style.quote("next-auth/middleware"));
                        Fix::new(
                            Applicability::Safe,
                            "Export `withAuth({})` as the default export",
                            vec![Change::edit(&f.path, Edit::replace(start, end, code))],
                        )
                    })
                }
            };
            out.push(match fix {
                Some(fx) => d.with_fix(fx),
                None => d.with_note("Write `import { withAuth } from \"next-auth/middleware\"` and `export default withAuth({})` instead."),
            });
        }
    }
}
