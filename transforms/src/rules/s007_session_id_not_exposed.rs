use crate::ast;
use crate::ast::{prop_name as key_name, unwrap_expr as strip_parens};
use crate::declare_rule;
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::callee_ident;
use crate::rules::config_common::{self as cfg, Value};
use crate::rules::middleware_common::is_project_module;
use swc_core::common::Span;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds code that reads a field of `session.user` the default session does not have
    /// (`session.user.id`, `session.user.role`) while the auth config has no `session` callback to
    /// put it there. The session is one bound to `await auth()`, `await getServerSession(…)` or
    /// `const { data: session } = useSession()`.
    ///
    /// ## Why is this bad?
    /// Without a `session` callback the session's user is `{ name, email, image }` and nothing
    /// else: v4 builds it from the JWT (`next-auth/src/core/routes/session.ts`: `user: { name:
    /// decodedToken?.name, email: decodedToken?.email, image: decodedToken?.picture }`) or the
    /// database user (the same three fields); v5's default `session` callback returns exactly
    /// those three (`@auth/core/src/lib/init.ts`). A `declare module "next-auth"` augmentation makes
    /// the type check pass, but at run time `session.user.id` is `undefined`: queries by user id
    /// find nothing, ownership checks fail or pass for everyone.
    ///
    /// ## Example
    /// ```ts
    /// const session = await auth();
    /// const posts = await db.post.findMany({ where: { authorId: session?.user?.id } });
    /// ```
    /// Use instead (in the auth config):
    /// ```ts
    /// callbacks: {
    ///   session({ session, token }) {
    ///     if (session.user && token.sub) session.user.id = token.sub;
    ///     return session;
    ///   },
    /// },
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the session every page and `/api/auth/session` sees gains the user's id (the JWT's
    /// `sub`, or the database user's `id` with the database strategy), which changes what the
    /// client receives. Only `id` is fixed; another field (a role, a token) needs a `jwt` callback
    /// that knows where it comes from, so the diagnostic says so. A config with any `session`
    /// callback, or one that cannot be read completely, is left alone.
    pub struct SessionIdNotExposed {
        code: "S007",
        name: "session-id-not-exposed",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "`session.user.id` (or another field) read but no `session` callback puts it there: it is always `undefined`",
    }
}

const DEFAULT_FIELDS: &[&str] = &["name", "email", "image"];

impl Rule for SessionIdNotExposed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let candidates: Vec<&str> = project.source_files_containing(".user").collect();
        if candidates.is_empty() {
            return;
        }
        let mut configs: Option<Vec<cfg::AuthConfig>> = None;
        for path in candidates {
            let Some(p) = project.parsed(path) else { continue };
            let sessions = session_names(project, &p);
            if sessions.is_empty() {
                continue;
            }
            let mut v = Reads { names: &sessions, hits: vec![] };
            p.module.visit_with(&mut v);
            let Some((field, span)) = v.hits.into_iter().find(|(f, _)| !DEFAULT_FIELDS.contains(&f.as_str())) else { continue };
            let cs = configs.get_or_insert_with(|| cfg::auth_configs(project));
            let [c] = cs.as_slice() else { continue };
            if !c.complete {
                continue;
            }
            let callbacks = c.get("callbacks");
            match callbacks.map(|cb| &cb.value) {
                None => {}
                Some(Value::Object(ps)) if !ps.iter().any(|x| x.key == "session") => {}
                _ => continue,
            }
            let d = Diagnostic::new(
                &Self::META,
                path,
                p.lo(span),
                p.hi(span),
                format!("`session.user.{field}` is read here, but the auth config has no `session` callback: the session's user holds only `name`, `email` and `image`, so this is always undefined"),
            );
            if field != "id" {
                out.push(d.with_note(format!(
                    "Put `{field}` on the token in a `jwt` callback (from `user` at sign-in) and copy it to `session.user` in a `session` callback."
                )));
                continue;
            }
            match fix(project, c, callbacks) {
                Some(ch) => {
                    out.push(d.with_fix(Fix::new(Applicability::Unsafe, "Add a `session` callback that copies the user id into the session", vec![ch])))
                }
                None => out.push(
                    d.with_note("Add a `session` callback to the auth config: `session({ session, token }) { session.user.id = token.sub; return session; }`."),
                ),
            }
        }
    }
}

fn fix(project: &Project, c: &cfg::AuthConfig, callbacks: Option<&cfg::Prop>) -> Option<Change> {
    let database =
        c.get("adapter").is_some() && !c.get("session").and_then(|s| s.sub("strategy")).is_some_and(|st| matches!(&st.value, Value::Str(v) if v == "jwt"));
    let (args, body) = if database {
        ("{ session, user }", "session.user.id = user.id;".to_string())
    } else {
        ("{ session, token }", "if (session.user && token.sub) session.user.id = token.sub;".to_string())
    };
    match callbacks {
        Some(cb) => {
            let text = project.text(&cb.file)?;
            let style = project.file_style(&cb.file);
            let Value::Object(ps) = &cb.value else { return None };
            let refs: Vec<&cfg::Prop> = ps.iter().collect();
            let (at, need_comma, indent, multiline) = cfg::insert_point(text, &cb.value_range, &refs);
            let body = style.fit(&body);
            let ret = format!("return session{}", style.semi());
            let ins = if multiline && !refs.is_empty() {
                format!("{}\n{indent}session({args}) {{\n{indent}  {body}\n{indent}  {ret}\n{indent}}},", if need_comma { "," } else { "" })
            } else {
                let base = crate::rules::client_common::indent_at(text, cb.range.start).to_string();
                let inner = format!("{base}  ");
                let lead = if refs.is_empty() {
                    String::new()
                } else if need_comma {
                    ",".into()
                } else {
                    String::new()
                };
                format!("{lead}\n{inner}session({args}) {{\n{inner}  {body}\n{inner}  {ret}\n{inner}}},\n{base}")
            };
            if refs.is_empty() {
                // `callbacks: {}` -> replace the braces' inside.
                let r = cb.value_range.clone();
                return Some(Change::edit(&cb.file, Edit::replace(r.start + 1, r.end - 1, ins)));
            }
            Some(Change::edit(&cb.file, Edit::insert(at, ins)))
        }
        None => {
            let text = project.text(&c.file)?;
            let style = project.file_style(&c.file);
            let own: Vec<&cfg::Prop> = c.props.iter().filter(|p| p.file == c.file && p.range.start > c.range.start && p.range.end < c.range.end).collect();
            let (at, need_comma, indent, multiline) = cfg::insert_point(text, &c.range, &own);
            if !multiline {
                return None;
            }
            let body = style.fit(&body);
            let ret = format!("return session{}", style.semi());
            let i2 = format!("{indent}  ");
            let i3 = format!("{indent}    ");
            Some(Change::edit(
                &c.file,
                Edit::insert(
                    at,
                    format!(
                        "{}\n{indent}callbacks: {{\n{i2}session({args}) {{\n{i3}{body}\n{i3}{ret}\n{i2}}},\n{indent}}},",
                        if need_comma { "," } else { "" }
                    ),
                ),
            ))
        }
    }
}

/// Local names bound to a session: `const s = await auth()`, `await getServerSession(…)`,
/// `const { data: s } = useSession()`.
fn session_names(project: &Project, p: &Parsed) -> Vec<String> {
    let gss = ast::local_name(p, &["next-auth", "next-auth/next"], "getServerSession");
    let use_session = ast::local_name(p, &["next-auth/react"], "useSession");
    let auth: Vec<String> = ast::imports(p)
        .into_iter()
        .filter(|i| is_project_module(project, &i.src))
        .flat_map(|i| i.specs)
        .filter(|s| s.imported == "auth" && !s.type_only)
        .map(|s| s.local)
        .collect();
    struct V<'a> {
        gss: Option<&'a str>,
        us: Option<&'a str>,
        auth: &'a [String],
        out: Vec<String>,
    }
    impl Visit for V<'_> {
        fn visit_var_declarator(&mut self, d: &VarDeclarator) {
            if let Some(init) = &d.init {
                let call = match strip_parens(init) {
                    Expr::Await(a) => match strip_parens(&a.arg) {
                        Expr::Call(c) => Some(c),
                        _ => None,
                    },
                    Expr::Call(c) => Some(c),
                    _ => None,
                };
                if let Some(c) = call {
                    let name = callee_ident(c);
                    let is_session = name.is_some_and(|n| Some(n) == self.gss || self.auth.iter().any(|a| a == n) && c.args.is_empty());
                    match &d.name {
                        Pat::Ident(i) if is_session && matches!(strip_parens(init), Expr::Await(_)) => self.out.push(i.id.sym.to_string()),
                        Pat::Object(o) if name.is_some() && name == self.us => {
                            for pp in &o.props {
                                if let ObjectPatProp::KeyValue(kv) = pp {
                                    if key_name(&kv.key).as_deref() == Some("data") {
                                        if let Pat::Ident(i) = &*kv.value {
                                            self.out.push(i.id.sym.to_string());
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            d.visit_children_with(self);
        }
    }
    let mut v = V { gss: gss.as_deref(), us: use_session.as_deref(), auth: &auth, out: vec![] };
    p.module.visit_with(&mut v);
    v.out
}

/// `s.user.FIELD` (optional chaining and `!` allowed) for a session name `s`.
struct Reads<'a> {
    names: &'a [String],
    hits: Vec<(String, Span)>,
}

fn member_of(e: &Expr) -> Option<&MemberExpr> {
    match e {
        Expr::Member(m) => Some(m),
        Expr::OptChain(o) => match &*o.base {
            OptChainBase::Member(m) => Some(m),
            _ => None,
        },
        Expr::TsNonNull(n) => member_of(&n.expr),
        Expr::Paren(p) => member_of(&p.expr),
        _ => None,
    }
}

impl Visit for Reads<'_> {
    fn visit_expr(&mut self, e: &Expr) {
        if let Some(m) = member_of(e) {
            if let MemberProp::Ident(field) = &m.prop {
                if let Some(inner) = member_of(&m.obj) {
                    if let (MemberProp::Ident(u), Expr::Ident(s)) = (&inner.prop, strip_parens(&inner.obj)) {
                        if &*u.sym == "user" && self.names.iter().any(|n| n == &*s.sym) {
                            self.hits.push((field.sym.to_string(), m.span));
                        }
                    }
                }
            }
        }
        e.visit_children_with(self);
    }
}
