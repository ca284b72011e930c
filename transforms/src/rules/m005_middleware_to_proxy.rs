use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw, ExportVal, Kind};
use swc_core::common::{Span, Spanned};
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
    /// another runtime (different globals, different hosting limits). The fix moves the file to
    /// `proxy.<ext>` beside it and renames a `middleware` export (and its references) to `proxy`;
    /// when the name `proxy` is already bound in the file (an import, a local), the function keeps
    /// its name and is exported as `export { middleware as proxy }`. `runtime` is dropped in every
    /// form @next/codemod's `middleware-to-proxy` drops it: `export const runtime`, a declarator
    /// beside others (`export const runtime = "edge", x = 1`), `const runtime` exported through
    /// `export { runtime }` (the declaration goes when nothing else reads it), and `config.runtime`.
    /// A `config` exported through `export { config }` becomes `export const config = …`, the only
    /// form Next reads (Turbopack fails on the other: "Next.js can't recognize the exported `config`
    /// field in route. It mustn't be reexported.", seen with next 16.4.6 — the codemod keeps
    /// `export { config }` and its result fails that build); a `config`
    /// re-exported from another module gets a note instead of a fix. The next.config keys Next 16
    /// renamed move with it (`experimental.middlewarePrefetch` → `proxyPrefetch`,
    /// `middlewareClientMaxBodySize` → `proxyClientMaxBodySize`, `externalMiddlewareRewritesResolve`
    /// → `externalProxyRewritesResolve`, `skipMiddlewareUrlNormalize` → `skipProxyUrlNormalize`;
    /// `next/dist/server/config.js` warns on the old names), and the types imported from
    /// `next/server` get their Next 16 names (`NextMiddleware` → `NextProxy`, `MiddlewareConfig` →
    /// `ProxyConfig`; the old ones are deprecated aliases). Files M002/M003 still have to fix are
    /// left for the next pass.
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
                Ok(content) => {
                    let mut changes = vec![Change::Create { file: new_path.clone(), content }, Change::Delete { file: f.path.clone() }];
                    let renames = mw::next_config_renames(project);
                    let title = if renames.is_empty() {
                        format!("Move `{}` to `{new_path}`, export `proxy`, drop the `runtime` config", f.path)
                    } else {
                        format!("Move `{}` to `{new_path}`, export `proxy`, drop the `runtime` config, rename the next.config keys Next 16 renamed", f.path)
                    };
                    changes.extend(renames);
                    out.push(d.with_fix(Fix::new(Applicability::Unsafe, title, changes)))
                }
                Err(why) => out.push(d.with_note(why)),
            }
        }
    }
}

/// The file's text as `proxy.<ext>`: the `middleware` export renamed (or exported as `proxy` when
/// that name is taken), `runtime` dropped in every form @next/codemod drops it, and a
/// `config` exported through a specifier turned into the declaration Next reads.
fn proxy_text(p: &Parsed, text: &str, exps: &[mw::Export]) -> Result<String, String> {
    let mut edits: Vec<Edit> = Vec::new();
    if let Some(e) = exps.iter().find(|e| e.name == "middleware") {
        if exps.iter().any(|e| e.name == "proxy") {
            return Err("The file exports both `middleware` and `proxy`: keep one, then rename the file to `proxy`.".into());
        }
        match mw::rename_export(p, text, e, "proxy") {
            Some(r) => edits.extend(r),
            None => return Err("Rename the file to `proxy` and export its `middleware` function as `proxy`.".into()),
        }
    }
    edits.extend(segment_config_edits(p, text)?);
    edits.extend(type_import_edits(p, text));
    edits.sort();
    edits.dedup();
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

/// Next 16's names for the middleware types from `next/server` (the old ones are deprecated
/// aliases, `next/dist/server/web/types.d.ts`), as @next/codemod renames them.
const RENAMED_TYPES: &[(&str, &str)] = &[("NextMiddleware", "NextProxy"), ("MiddlewareConfig", "ProxyConfig")];

/// `import { NextMiddleware } from "next/server"` -> `NextProxy`, with its uses in the file; an
/// aliased import (`NextMiddleware as M`) changes only the imported name.
fn type_import_edits(p: &Parsed, text: &str) -> Vec<Edit> {
    let names = crate::ast::top_level_names(p);
    let mut out = Vec::new();
    for imp in crate::ast::imports(p).into_iter().filter(|i| i.src == "next/server") {
        for spec in &imp.specs {
            let Some((old, new)) = RENAMED_TYPES.iter().find(|(o, _)| *o == spec.imported) else { continue };
            if names.iter().any(|n| n == new) {
                continue;
            }
            if spec.local == *old {
                for (n, s) in crate::ast::ident_refs(&p.module) {
                    if n == *old {
                        out.push(Edit::replace(p.lo(s), p.hi(s), *new));
                    }
                }
            } else {
                let r = p.range(spec.span);
                if let Some(i) = text[r.clone()].find(old) {
                    out.push(Edit::replace(r.start + i, r.start + i + old.len(), *new));
                }
            }
        }
    }
    out
}

/// Edits that drop `runtime` in every form (a proxy always runs on Node.js) and turn a `config`
/// exported through `export { config }` into `export const config = …`, the form Next reads.
/// `Err` (with what to do) for a `config` it cannot turn into a declaration.
pub(crate) fn segment_config_edits(p: &Parsed, text: &str) -> Result<Vec<Edit>, String> {
    let mut edits: Vec<Edit> = Vec::new();
    // `export const runtime = "…"` (alone, or beside other declarators).
    for item in &p.module.body {
        if let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), span })) = item {
            for (i, d) in v.decls.iter().enumerate() {
                if !matches!(&d.name, Pat::Ident(id) if &*id.id.sym == "runtime") {
                    continue;
                }
                if v.decls.len() == 1 {
                    edits.push(edit::delete_statement_lines(text, p.lo(*span), p.hi(*span)));
                } else {
                    let prev_end = (i > 0).then(|| p.hi(v.decls[i - 1].span));
                    edits.push(edit::delete_list_element(text, p.lo(d.span), p.hi(d.span), prev_end));
                }
            }
        }
    }
    // `export { runtime }`, `export { runtime } from "…"`, `export { config }`.
    let mut specs_removed: Vec<(Span, Span, Vec<Span>)> = Vec::new(); // (stmt, spec, siblings)
    let mut decls_removed: Vec<(Span, Span, Vec<Span>)> = Vec::new(); // (var stmt, declarator, declarators)
    let mut export_decl: Option<(Span, Span)> = None; // (var stmt, config declarator)
    for u in mw::unreadable_segment_exports(p) {
        if u.name == "runtime" {
            specs_removed.push((u.stmt, u.spec, u.siblings.clone()));
            if u.src.is_none() {
                if let Some((vstmt, d, decls)) = mw::local_var_decl(p, &u.local) {
                    if !mw::referenced_elsewhere(p, &u.local, d.span, u.spec) {
                        decls_removed.push((vstmt, d.span, decls.iter().map(|d| d.span).collect()));
                    }
                }
            }
            continue;
        }
        // `config`: Next reads only `export const config = { … }`.
        let declare = "Declare it in the file as `export const config = { matcher: … }`: Next reads the matcher statically, and Turbopack fails on a re-exported `config` (\"It mustn't be reexported\").";
        if u.src.is_some() || u.local != "config" {
            return Err(format!(
                "`config` is exported through `export {{ … }}`{}. {declare}",
                u.src.as_deref().map(|s| format!(" from \"{s}\"")).unwrap_or_default()
            ));
        }
        let Some((vstmt, d, _)) = mw::local_var_decl(p, "config") else { return Err(declare.into()) };
        let is_const = p.module.body.iter().any(|i| matches!(i, ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) if v.span == vstmt && v.kind == VarDeclKind::Const));
        if !is_const || mw::referenced_elsewhere(p, "config", d.span, u.spec) {
            return Err(declare.into());
        }
        specs_removed.push((u.stmt, u.spec, u.siblings.clone()));
        export_decl = Some((vstmt, d.span));
    }
    for (stmt, group) in group_by(&specs_removed) {
        edits.extend(delete_some(text, p, stmt, &group, |e| e));
    }
    for (stmt, group) in group_by(&decls_removed) {
        edits.extend(delete_some(text, p, stmt, &group, |e| e));
    }
    if let Some((vstmt, decl)) = export_decl {
        let all: Vec<Span> = mw::local_var_decl(p, "config").map(|(_, _, ds)| ds.iter().map(|d| d.span).collect()).unwrap_or_default();
        let kept: Vec<&Span> = all.iter().filter(|s| !decls_removed.iter().any(|(_, r, _)| r == *s)).collect();
        if kept.len() != 1 || *kept[0] != decl {
            return Err("Declare `config` alone: `export const config = { matcher: … }` (Next reads it statically).".into());
        }
        edits.push(Edit::insert(p.lo(vstmt), "export "));
    }
    // `config.runtime`, in `export const config = { … }` or the local `config` made exported.
    let config_obj = mw::config_object(p).map(|(stmt, o)| (Some(stmt), o)).or_else(|| {
        let (_, d, _) = mw::local_var_decl(p, "config")?;
        match crate::ast::unwrap_expr(d.init.as_deref()?) {
            Expr::Object(o) if export_decl.is_some() => Some((None, o)),
            _ => None,
        }
    });
    if let Some((stmt, obj)) = config_obj {
        if let Some((idx, kv)) = mw::find_prop(obj, "runtime") {
            match stmt {
                Some(stmt) if obj.props.len() == 1 => edits.push(edit::delete_statement_lines(text, p.lo(stmt), p.hi(stmt))),
                _ => {
                    let prev_end = if idx > 0 { Some(p.hi(obj.props[idx - 1].span())) } else { None };
                    edits.push(edit::delete_list_element(text, p.lo(kv.span()), p.hi(kv.span()), prev_end));
                }
            }
        }
    }
    Ok(edits)
}

/// The removed elements of one statement's list, and all its elements.
type Group = (Vec<Span>, Vec<Span>);

/// `(statement, removed element, all elements)` grouped by statement.
fn group_by(items: &[(Span, Span, Vec<Span>)]) -> Vec<(Span, Group)> {
    let mut out: Vec<(Span, Group)> = Vec::new();
    for (stmt, el, all) in items {
        match out.iter_mut().find(|(s, _)| s == stmt) {
            Some((_, (rm, _))) => {
                if !rm.contains(el) {
                    rm.push(*el)
                }
            }
            None => out.push((*stmt, (vec![*el], all.clone()))),
        }
    }
    out
}

/// Delete `removed` elements of a comma list (specifiers, declarators) of statement `stmt`: the
/// whole statement when none stays.
fn delete_some(text: &str, p: &Parsed, stmt: Span, group: &(Vec<Span>, Vec<Span>), f: impl Fn(Edit) -> Edit) -> Vec<Edit> {
    let (removed, all) = group;
    if all.iter().all(|s| removed.contains(s)) {
        return vec![f(edit::delete_statement_lines(text, p.lo(stmt), p.hi(stmt)))];
    }
    let mut out = Vec::new();
    for el in removed {
        let idx = all.iter().position(|s| s == el).unwrap_or(0);
        let prev_end = (idx > 0).then(|| p.hi(all[idx - 1]));
        out.push(f(edit::delete_list_element(text, p.lo(*el), p.hi(*el), prev_end)));
    }
    out
}
