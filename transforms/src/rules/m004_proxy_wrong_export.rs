use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw, ExportVal, Kind};

declare_rule! {
    /// ## What it does
    /// Finds a `proxy.ts` (or `src/proxy.ts`, any of `.ts/.tsx/.js/.jsx`) that exports its function
    /// as `middleware` and has neither a `proxy` nor a default export — what a rename of
    /// `middleware.ts` without touching its code leaves behind.
    ///
    /// ## Why is this bad?
    /// A proxy file runs `mod.proxy || mod.default` (`next/dist/esm/build/templates/middleware.js`);
    /// a `middleware` export there is ignored. Next 16's export check
    /// (`validateMiddlewareProxyExports`, `next/dist/esm/build/analysis/get-page-static-info.js`)
    /// then fails `next build` with "must export a function, either as a default export or as a
    /// named "proxy" export"; `next dev` logs the same error and the proxy module throws
    /// `ProxyMissingExportError` when loaded, so nothing in it runs.
    ///
    /// ## Example
    /// ```ts
    /// // proxy.ts
    /// export { auth as middleware } from "@/auth";
    /// ```
    /// Use instead:
    /// ```ts
    /// // proxy.ts
    /// export { auth as proxy } from "@/auth";
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the same function is exported under the name Next runs. Declarations
    /// (`export function middleware`, `export const middleware`) are renamed with every reference in
    /// the file; `export { middleware }` becomes `export { middleware as proxy }`. A destructured
    /// `export const { auth: middleware }` is left to M003.
    pub struct ProxyWrongExport {
        code: "M004",
        name: "proxy-wrong-export",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "`proxy.ts` exports `middleware`: Next 16 runs only `proxy` or the default export",
    }
}

impl Rule for ProxyWrongExport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for f in mw::loaded_files(project) {
            if f.kind != Kind::Proxy || !mw::is_next16(project, &f) {
                continue;
            }
            let Some(text) = project.text(&f.path) else { continue };
            if !text.contains("middleware") || !mw::looks_like_next_middleware(text) {
                continue;
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            let exps = mw::exports(&p);
            if exps.iter().any(|e| e.name == "proxy" || e.name == "default") {
                continue;
            }
            let Some(exp) = exps.iter().find(|e| e.name == "middleware" && !matches!(e.val, ExportVal::Destructured { .. } | ExportVal::Other)) else {
                continue;
            };
            let span = exp.name_span.unwrap_or(exp.stmt);
            let d = Diagnostic::new(
                &Self::META,
                &f.path,
                p.lo(span),
                p.hi(span),
                "`proxy` files run only a `proxy` or default export, so this `middleware` export never runs and `next build` fails with \"must export a function\"",
            );
            out.push(match mw::rename_export(&p, text, exp, "proxy") {
                Some(edits) => {
                    d.with_fix(Fix::new(Applicability::Safe, "Rename the export to `proxy`", edits.into_iter().map(|e| Change::edit(&f.path, e)).collect()))
                }
                None => d.with_note("Rename the export to `proxy` (the name `proxy` is already used in this file)."),
            });
        }
    }
}
