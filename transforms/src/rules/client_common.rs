//! Small helpers shared by P004, S003–S004, C002–C004 and U001–U003: property keys, literal
//! values, the project's v5 `auth.ts`, auth config objects, and function bodies.
use crate::ast::{self, prop_name, unwrap_expr};
use crate::edit;
use crate::parse::Parsed;
use crate::project::Project;
use swc_core::common::Span;
use swc_core::ecma::ast::*;

/// The key/value properties of an object literal, with their index in `props`.
pub fn kv_props(obj: &ObjectLit) -> Vec<(usize, String, &KeyValueProp)> {
    obj.props
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            PropOrSpread::Prop(p) => match &**p {
                Prop::KeyValue(kv) => prop_name(&kv.key).map(|k| (i, k, kv)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Whether the object literal has a property (any form: `a: x`, `a`, `a() {}`) named `name`.
pub fn has_key(obj: &ObjectLit, name: &str) -> bool {
    obj.props.iter().any(|p| match p {
        PropOrSpread::Prop(p) => match &**p {
            Prop::KeyValue(kv) => prop_name(&kv.key).as_deref() == Some(name),
            Prop::Shorthand(i) => i.sym == name,
            Prop::Method(m) => prop_name(&m.key).as_deref() == Some(name),
            _ => false,
        },
        _ => false,
    })
}

/// A constant string: `"x"`, `'x'` or a template without expressions.
pub fn const_str(e: &Expr) -> Option<String> {
    match unwrap_expr(e) {
        Expr::Lit(Lit::Str(s)) => s.value.as_str().map(|s| s.to_string()),
        Expr::Tpl(t) if t.exprs.is_empty() => t.quasis.first().map(|q| q.raw.to_string()),
        _ => None,
    }
}

/// Whether the file mentions Auth.js at all (cheap text test before looking for config objects).
pub fn mentions_auth(text: &str) -> bool {
    ["next-auth", "@auth/", "NextAuth", "AuthOptions", "NextAuthConfig"].iter().any(|k| text.contains(k))
}

/// Object literals that are Auth.js configs: passed to `NextAuth(…)`, or holding `providers`.
pub fn is_auth_config(obj: &ObjectLit) -> bool {
    has_key(obj, "providers")
}

/// Files that export `auth` from `NextAuth(…)` (v5 `auth.ts`): `export const { auth, … } = NextAuth(…)`.
pub fn auth_export_files(project: &Project) -> Vec<String> {
    let mut out = Vec::new();
    for path in project.source_files_containing("NextAuth") {
        let Some(p) = project.parsed(path) else { continue };
        let Some(na) = ast::local_name(&p, &["next-auth"], "default") else { continue };
        let exports_auth = p.module.body.iter().any(|item| {
            let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) = item else { return false };
            v.decls.iter().any(|d| {
                let is_call = matches!(d.init.as_deref().map(unwrap_expr), Some(Expr::Call(c)) if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if i.sym == na.as_str())));
                let Pat::Object(o) = &d.name else { return false };
                is_call
                    && o.props.iter().any(|pp| match pp {
                        ObjectPatProp::Assign(a) => a.key.sym == "auth",
                        ObjectPatProp::KeyValue(kv) => matches!(&*kv.value, Pat::Ident(i) if i.id.sym == "auth"),
                        _ => false,
                    })
            })
        });
        if exports_auth {
            out.push(path.to_string());
        }
    }
    out
}

/// The import (if any) whose source resolves to `target`, and the local name of `name` in it.
pub fn import_of(project: &Project, p: &Parsed, from: &str, target: &str, name: &str) -> Option<String> {
    ast::imports(p)
        .into_iter()
        .filter(|i| !i.type_only && project.resolve_import(from, &i.src).as_deref() == Some(target))
        .flat_map(|i| i.specs)
        .find(|s| s.imported == name && !s.type_only)
        .map(|s| s.local)
}

/// The callee identifier of a call, if it is a plain identifier.
pub fn callee_ident(c: &CallExpr) -> Option<&str> {
    match &c.callee {
        Callee::Expr(e) => match &**e {
            Expr::Ident(i) => Some(&*i.sym),
            _ => None,
        },
        _ => None,
    }
}

/// `f(...)` or `React.f(...)` / `X.f(...)`: the last name of the callee.
pub fn callee_last_name(c: &CallExpr) -> Option<&str> {
    match &c.callee {
        Callee::Expr(e) => match &**e {
            Expr::Ident(i) => Some(&*i.sym),
            Expr::Member(m) => match &m.prop {
                MemberProp::Ident(p) => Some(&*p.sym),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The whitespace that starts the line containing `pos`.
pub fn indent_at(text: &str, pos: usize) -> &str {
    let ls = edit::line_start(text, pos);
    let rest = &text[ls..];
    let n = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..n]
}

/// Whether span `inner` lies within `outer`.
pub fn within(inner: Span, outer: Span) -> bool {
    outer.lo <= inner.lo && inner.hi <= outer.hi
}
