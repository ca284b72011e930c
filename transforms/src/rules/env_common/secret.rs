//! The session secret: the env names each version reads it from, and the `secret` properties of
//! the auth config (`NextAuth({ secret })`, `authOptions.secret`, `withAuth({ secret })`,
//! `getToken({ secret })`, `jwt: { secret }`) with how each gets its value.
use super::auth_files::auth_sources_with;
use crate::ast::{prop_name, unwrap_expr};
use crate::parse::Parsed;
use crate::project::Project;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

/// The secret's env name each version documents: `AUTH_SECRET` (v5), `NEXTAUTH_SECRET` (v4).
pub fn secret_key(major: u8) -> &'static str {
    if major >= 5 {
        "AUTH_SECRET"
    } else {
        "NEXTAUTH_SECRET"
    }
}

/// Env names the library reads the secret from. v4 (`next-auth/src/next/index.ts`):
/// `NEXTAUTH_SECRET ?? AUTH_SECRET`; v5 (`next-auth/src/lib/env.ts`, `@auth/core/src/lib/utils/env.ts`):
/// `AUTH_SECRET ?? NEXTAUTH_SECRET`, then `AUTH_SECRET_1..3`.
pub fn secret_keys(major: u8) -> &'static [&'static str] {
    if major >= 5 {
        &["AUTH_SECRET", "NEXTAUTH_SECRET", "AUTH_SECRET_1", "AUTH_SECRET_2", "AUTH_SECRET_3"]
    } else {
        &["NEXTAUTH_SECRET", "AUTH_SECRET"]
    }
}

/// Is this value a placeholder rather than a real secret (`changeme`, `your-secret-here`, `<…>`)?
pub fn is_placeholder(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    v.is_empty() || ["your", "change", "replace", "example", "placeholder", "generate", "todo", "xxx", "<", "...", "${", "$("].iter().any(|w| v.contains(w))
}

/// How a `secret` property gets its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretValue {
    /// A string literal (or a template without substitutions).
    Literal(String),
    /// `process.env.NAME` (possibly with `!`, `as string`, parentheses).
    Env(String),
    /// Anything else (a variable, a function call, `??` fallbacks…).
    Other,
}

#[derive(Clone, Debug)]
pub struct SecretProp {
    pub file: String,
    /// The whole `secret: …` property.
    pub prop: std::ops::Range<usize>,
    /// The value expression.
    pub value_range: std::ops::Range<usize>,
    pub value: SecretValue,
}

/// Every `secret` property in the files that import Auth.js.
pub fn secret_props(project: &Project) -> Vec<SecretProp> {
    let mut out = Vec::new();
    for f in auth_sources_with(project, "secret") {
        let Some(p) = project.parsed(f) else { continue };
        let mut v = SecretFinder { p: &p, file: f, out: &mut out };
        p.module.visit_with(&mut v);
    }
    out
}

struct SecretFinder<'a> {
    p: &'a Parsed,
    file: &'a str,
    out: &'a mut Vec<SecretProp>,
}

impl Visit for SecretFinder<'_> {
    fn visit_prop(&mut self, n: &Prop) {
        match n {
            Prop::KeyValue(kv) if prop_name(&kv.key).as_deref() == Some("secret") => {
                self.out.push(SecretProp {
                    file: self.file.to_string(),
                    prop: self.p.range(kv.span()),
                    value_range: self.p.range(kv.value.span()),
                    value: classify(&kv.value),
                });
            }
            Prop::Shorthand(i) if &*i.sym == "secret" => {
                let r = self.p.range(i.span);
                self.out.push(SecretProp { file: self.file.to_string(), prop: r.clone(), value_range: r, value: SecretValue::Other });
            }
            _ => {}
        }
        n.visit_children_with(self);
    }
}

/// `process.env.NAME` / `process.env["NAME"]` → `NAME`.
pub fn env_read(e: &Expr) -> Option<String> {
    let Expr::Member(m) = unwrap_expr(e) else { return None };
    let Expr::Member(inner) = &*m.obj else { return None };
    let Expr::Ident(obj) = &*inner.obj else { return None };
    if &*obj.sym != "process" || !matches!(&inner.prop, MemberProp::Ident(i) if &*i.sym == "env") {
        return None;
    }
    match &m.prop {
        MemberProp::Ident(i) => Some(i.sym.to_string()),
        MemberProp::Computed(c) => match &*c.expr {
            Expr::Lit(Lit::Str(s)) => s.value.as_str().map(String::from),
            _ => None,
        },
        _ => None,
    }
}

fn classify(e: &Expr) -> SecretValue {
    if let Some(n) = env_read(e) {
        return SecretValue::Env(n);
    }
    match unwrap_expr(e) {
        Expr::Lit(Lit::Str(s)) => SecretValue::Literal(s.value.as_str().unwrap_or("").to_string()),
        Expr::Tpl(t) if t.exprs.is_empty() => SecretValue::Literal(t.quasis.iter().map(|q| q.raw.to_string()).collect()),
        _ => SecretValue::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::ProjectFacts;

    #[test]
    fn classifies_secret_values() {
        let mut p = Project::new(ProjectFacts::default());
        p.set_file(
            "auth.ts",
            "import NextAuth from \"next-auth\";\nconst k = 'x';\nexport const a = { secret: \"lit\" };\nexport const b = { secret: process.env.AUTH_SECRET! as string };\nexport const c = { secret: process.env[\"S\"] };\nexport const d = { secret: k };\nexport const e = { secret };\n",
        );
        let v: Vec<SecretValue> = secret_props(&p).into_iter().map(|s| s.value).collect();
        assert_eq!(
            v,
            vec![
                SecretValue::Literal("lit".into()),
                SecretValue::Env("AUTH_SECRET".into()),
                SecretValue::Env("S".into()),
                SecretValue::Other,
                SecretValue::Other
            ]
        );
        assert!(is_placeholder("your-secret-here") && is_placeholder("") && !is_placeholder("k8s9d7f6g5h4"));
    }
}
