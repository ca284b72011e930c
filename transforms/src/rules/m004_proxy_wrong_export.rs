use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw, ExportVal, Kind};
use swc_core::ecma::ast::{ModuleDecl, ModuleItem};

declare_rule! {
    /// ## What it does
    /// Finds a `proxy.ts` (or `src/proxy.ts`, any of `.ts/.tsx/.js/.jsx`) that Next cannot run as
    /// written: it exports its function as `middleware` and has neither a `proxy` nor a default
    /// export — what a rename of `middleware.ts` without touching its code leaves behind —, it
    /// exports no function Next runs at all, or it exports `config`/`runtime` through
    /// `export { … }`, which Next cannot read.
    ///
    /// ## Why is this bad?
    /// A proxy file runs `mod.proxy || mod.default` (`next/dist/esm/build/templates/middleware.js`);
    /// a `middleware` export there is ignored. Next 16's export check
    /// (`validateMiddlewareProxyExports`, `next/dist/esm/build/analysis/get-page-static-info.js`)
    /// then fails `next build` with "must export a function, either as a default export or as a
    /// named "proxy" export"; `next dev` logs the same error and the proxy module throws
    /// `ProxyMissingExportError` when loaded, so nothing in it runs. Segment config is read
    /// statically, only from `export const config = { … }` (`extractExportedConstValue`,
    /// `next/dist/build/analysis/extract-const-value.js`); Turbopack, Next 16's default builder,
    /// fails on `export { config }`: "Next.js can't recognize the exported `config` field in route.
    /// It mustn't be reexported." A proxy always runs on Node.js, so a `runtime` has no place in it.
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
    /// `export const { auth: middleware }` is left to M003. When the name `proxy` is already bound in
    /// the file, the function keeps its name and is exported as `export { middleware as proxy }`.
    /// `export { config }` of a local `const config` becomes `export const config = …`, and a
    /// re-exported `runtime` is dropped (with its declaration when nothing else uses it). A file
    /// with no runnable export at all, or a `config` re-exported from another module, gets a
    /// diagnostic only: what the function is, or what the matcher should be, is the user's code.
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
            let looks = mw::looks_like_next_middleware(text);
            if !looks && !text.contains("config") {
                continue;
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            let unreadable = mw::unreadable_segment_exports(&p);
            if !looks && unreadable.is_empty() {
                continue;
            }
            let exps = mw::exports(&p);
            if let Some(u) = unreadable.first() {
                let d = Diagnostic::new(
                    &Self::META,
                    &f.path,
                    p.lo(u.spec),
                    p.hi(u.spec),
                    format!("`{}` is exported through `export {{ … }}`, which Next cannot read statically: `next build` (Turbopack) fails with \"Next.js can't recognize the exported `{}` field in route. It mustn't be reexported.\"", u.name, u.name),
                );
                out.push(match crate::rules::m005_middleware_to_proxy::segment_config_edits(&p, text) {
                    Ok(edits) if !edits.is_empty() => d.with_fix(Fix::new(
                        Applicability::Safe,
                        "Declare `config` with `export const` and drop `runtime` (a proxy always runs on Node.js)",
                        edits.into_iter().map(|e| Change::edit(&f.path, e)).collect(),
                    )),
                    Ok(_) => d,
                    Err(why) => d.with_note(why),
                });
            }
            if exps.iter().any(|e| e.name == "proxy" || e.name == "default") {
                continue;
            }
            let has_star = p.module.body.iter().any(|i| matches!(i, ModuleItem::ModuleDecl(ModuleDecl::ExportAll(_))));
            let Some(exp) = exps.iter().find(|e| e.name == "middleware" && !matches!(e.val, ExportVal::Destructured { .. } | ExportVal::Other)) else {
                let destructured = exps.iter().any(|e| e.name == "middleware" || e.name == "proxy");
                if !has_star && !destructured && looks {
                    out.push(
                        Diagnostic::new(
                            &Self::META,
                            &f.path,
                            0,
                            0,
                            "this proxy file exports neither a `proxy` function nor a default export: Next runs nothing from it, and `next build` fails with \"must export a function, either as a default export or as a named \"proxy\" export\"",
                        )
                        .with_note("Export the request handler as `export function proxy(request) { … }` or `export default …` (v5: `export { auth as proxy } from \"@/auth\"`)."),
                    );
                }
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
