use crate::declare_rule;
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::config_common::{self as cfg, Value};

declare_rule! {
    /// ## What it does
    /// Finds an Auth.js config with a Credentials provider and an `adapter` whose session strategy
    /// is "database" — written, or left to the default — and sets `session: { strategy: "jwt" }`.
    ///
    /// ## Why is this bad?
    /// With an adapter the strategy defaults to "database" (v4 `next-auth/src/core/init.ts`:
    /// `strategy: authOptions.adapter ? "database" : "jwt"`; v5 `@auth/core/src/lib/init.ts`, the
    /// same line). A Credentials sign-in never creates a database session: it always writes an
    /// encrypted JWT into the session cookie (`next-auth/src/core/routes/callback.ts`,
    /// `@auth/core/src/lib/actions/callback/index.ts`). The next session read looks that JWT up
    /// as a database session token, finds nothing and clears the cookie
    /// (`@auth/core/src/lib/actions/session.ts`): the user is signed out right after signing in.
    /// When `strategy: "database"` is written and Credentials is the only provider, both versions
    /// refuse the config outright (`assertConfig`: v4 `CALLBACK_CREDENTIALS_JWT_ERROR`, v5
    /// `UnsupportedStrategy`): every POST to `/api/auth/*` answers 500.
    ///
    /// ## Example
    /// ```ts
    /// export const { handlers, auth } = NextAuth({
    ///   adapter: PostgresAdapter(pool),
    ///   providers: [Credentials({ authorize })],
    /// });
    /// ```
    /// Use instead:
    /// ```ts
    /// export const { handlers, auth } = NextAuth({
    ///   adapter: PostgresAdapter(pool),
    ///   session: { strategy: "jwt" },
    ///   providers: [Credentials({ authorize })],
    /// });
    /// ```
    ///
    /// ## Fix safety
    /// Safe when Credentials is the only provider: no sign-in ever worked with the database
    /// strategy, so nothing that worked changes. Unsafe beside other providers (OAuth, email):
    /// their sessions move from the database to JWTs, so signed-in users sign in again once, and
    /// a `session` callback that reads `user` gets `token` instead. Configs that cannot be read
    /// completely (a function config, a spread of something unknown, `session` or `providers`
    /// that are not literals) are left alone.
    pub struct CredentialsWithDatabaseStrategy {
        code: "C005",
        name: "credentials-with-database-strategy",
        fix: Always,
        applicability: [Safe, Unsafe],
        severity: Error,
        summary: "Credentials provider with an adapter and the database session strategy: users are signed out right after signing in",
    }
}

impl Rule for CredentialsWithDatabaseStrategy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.source_files_containing("credentials").next().is_none() && project.source_files_containing("Credentials").next().is_none() {
            return;
        }
        if project.source_files_containing("dapter").next().is_none() {
            return;
        }
        for c in cfg::auth_configs(project) {
            if !c.complete || c.get("adapter").is_none() {
                continue;
            }
            let Some(providers) = c.get("providers") else { continue };
            let Value::Array(els) = &providers.value else { continue };
            if els.iter().any(|e| e.spread) {
                continue;
            }
            let Some(cred) = els.iter().find(|e| e.is_credentials()) else { continue };
            let others = els.iter().filter(|e| !e.is_credentials()).count();
            let session = c.get("session");
            let strategy = match session.map(|s| (&s.value, s.sub("strategy"))) {
                None => None,
                Some((Value::Object(_), None)) => None,
                Some((Value::Object(_), Some(st))) => match &st.value {
                    Value::Str(v) if v == "database" => Some(st),
                    _ => continue,
                },
                Some(_) => continue,
            };
            let Some(text) = project.text(&providers.file) else { continue };
            let _ = text;
            let message = if strategy.is_some() && others == 0 {
                "Credentials is the only provider but the session strategy is \"database\": Auth.js refuses the config (v4 `CALLBACK_CREDENTIALS_JWT_ERROR`, v5 `UnsupportedStrategy`) and every sign-in answers 500"
            } else if strategy.is_some() {
                "the session strategy is \"database\", but a Credentials sign-in only ever writes a JWT cookie: the session lookup never finds it, so credentials users are signed out right after signing in"
            } else {
                "with an `adapter` the session strategy defaults to \"database\", but a Credentials sign-in only ever writes a JWT cookie: the session lookup never finds it, so the user is signed out right after signing in"
            };
            let d = Diagnostic::new(&Self::META, &providers.file, cred.range.start, cred.range.end, message);
            let Some(change) = fix_change(project, &c, session, strategy) else { continue };
            let app = if others == 0 { Applicability::Safe } else { Applicability::Unsafe };
            let d = if others > 0 {
                d.with_note("The other providers' sessions move from the database to JWTs: their users sign in again once, and a `session` callback reading `user` gets `token`.")
            } else {
                d
            };
            out.push(d.with_fix(Fix::new(app, "Use the JWT session strategy (`session: { strategy: \"jwt\" }`)", vec![change])));
        }
    }
}

fn fix_change(project: &Project, c: &cfg::AuthConfig, session: Option<&cfg::Prop>, strategy: Option<&cfg::Prop>) -> Option<Change> {
    if let Some(st) = strategy {
        let style = project.file_style(&st.file);
        return Some(Change::edit(&st.file, Edit::replace(st.value_range.start, st.value_range.end, style.quote("jwt"))));
    }
    if let Some(s) = session {
        // `session: { maxAge }` -> `session: { strategy: "jwt", maxAge }`
        let text = project.text(&s.file)?;
        let style = project.file_style(&s.file);
        let open = s.value_range.start;
        if !text[open..].starts_with('{') {
            return None;
        }
        let first = crate::edit::skip_trivia(text, open + 1);
        let inner = &text[open + 1..first];
        let e = if inner.contains('\n') {
            let indent = crate::rules::client_common::indent_at(text, first).to_string();
            Edit::insert(first, format!("strategy: {},\n{indent}", style.quote("jwt")))
        } else if text[first..].starts_with('}') {
            Edit::replace(open + 1, first, format!(" strategy: {} ", style.quote("jwt")))
        } else {
            Edit::insert(first, format!("strategy: {}, ", style.quote("jwt")))
        };
        return Some(Change::edit(&s.file, e));
    }
    // No `session`: add it to the config object itself.
    let text = project.text(&c.file)?;
    let style = project.file_style(&c.file);
    let own: Vec<&cfg::Prop> = c.props.iter().filter(|p| p.file == c.file && p.range.start > c.range.start && p.range.end < c.range.end).collect();
    let (at, need_comma, indent, multiline) = cfg::insert_point(text, &c.range, &own);
    let prop = format!("session: {{ strategy: {} }}", style.quote("jwt"));
    let ins = if multiline {
        format!("{}\n{indent}{prop},", if need_comma { "," } else { "" })
    } else if own.is_empty() {
        format!(" {prop} ")
    } else {
        format!("{} {prop}", if need_comma { "," } else { "" })
    };
    Some(Change::edit(&c.file, Edit::insert(at, ins)))
}
