use crate::declare_rule;
use crate::dotenv;
use crate::edit::{self, Edit};
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::e003_secret_rotated_in_ci::classify;
use crate::rules::env_common::env_files as envf;
use crate::rules::env_common::secret::{self, SecretValue};
use crate::rules::env_common::{deploy, workflows};
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds the Auth.js secret written as a literal in a file that is committed:
    /// - a `secret: "…"` option in code that imports Auth.js (`NextAuth({ secret })`,
    ///   `authOptions`, `withAuth({ secret })`, `getToken({ secret })`, `jwt: { secret }`), except
    ///   in test files (`__tests__/`, `*.test.ts`, `e2e/`…), which sign throwaway tokens;
    /// - `AUTH_SECRET`/`NEXTAUTH_SECRET` with a literal value in `next.config.*`;
    /// - the same keys with a literal value in a git-tracked env file (`.env`, `.env.production`,
    ///   …; templates such as `.env.example` and placeholder values are left alone);
    /// - the same keys with a literal value in a tracked workflow, in a job that builds or deploys
    ///   (a fixed throwaway value in a test-only job is fine).
    ///
    /// ## Why is this bad?
    /// The secret is the only key material of the session: v4 encrypts the session JWT with a key
    /// derived from it (`next-auth/src/jwt/index.ts`), v5 likewise (`@auth/core/src/jwt.ts`) and
    /// signs the CSRF token with it. Anyone who can read the repository (or its history, a fork,
    /// a leaked clone) can mint a valid session cookie for any user.
    ///
    /// ## Example
    /// ```ts
    /// export const authOptions: NextAuthOptions = {
    ///   providers: [GitHub],
    ///   secret: "s3cr3t-from-the-tutorial",
    /// };
    /// ```
    /// Use instead (a fresh value in `.env.local` and in the host's settings):
    /// ```ts
    /// export const authOptions: NextAuthOptions = {
    ///   providers: [GitHub],
    ///   secret: process.env.NEXTAUTH_SECRET,
    /// };
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The fix makes the config read `process.env.AUTH_SECRET` (v5) /
    /// `process.env.NEXTAUTH_SECRET` (v4) — for `next.config.*` and tracked env files, it removes
    /// the entry — and writes the CLI's fresh CSPRNG secret into `.env.local` (unless it already
    /// sets that name). The committed value is never copied anywhere: it is compromised and must be
    /// rotated. That rotation signs every user out, and a deployment that relied on the literal
    /// now needs the name set in the host's settings, so the fix waits for `--unsafe`. Secrets in
    /// workflows and in a tracked `.env.local` are reported without a fix (store them as
    /// repository secrets; `git rm --cached`). No message ever shows the value.
    pub struct CommittedSecret {
        code: "E008",
        name: "committed-secret",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "a literal session secret in a committed file: anyone with the repository can forge sessions",
    }
}

const KEYS: &[&str] = &["AUTH_SECRET", "NEXTAUTH_SECRET", "AUTH_SECRET_1", "AUTH_SECRET_2", "AUTH_SECRET_3"];

const ROTATE: &str = "Rotate it: the committed value stays in the git history, so treat it as public.";

impl Rule for CommittedSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let major = project.facts.auth_major.unwrap_or(5);
        let key = secret::secret_key(major);
        // Writing the fresh secret into `.env.local`, unless it already sets the name.
        let local_has_key = project.text(".env.local").is_some_and(|t| dotenv::get(&dotenv::parse(t), key).is_some_and(|e| !e.value.is_empty()));
        let write_local: Option<Change> = if local_has_key {
            None
        } else {
            project.facts.fresh_secret.as_deref().map(|s| envf::append_or_create(project, ".env.local", &format!("{key}={s}")))
        };
        // A config that reads the secret from another name would not see the one we write.
        let reads_other = secret::secret_props(project).iter().any(|s| matches!(&s.value, SecretValue::Env(n) if n != key) || s.value == SecretValue::Other);
        let can_fix = (local_has_key || write_local.is_some()) && !reads_other;
        let primary = |k: &str| k == "AUTH_SECRET" || k == "NEXTAUTH_SECRET";
        let fresh_note = if local_has_key {
            format!(
                "{ROTATE} After the fix the app uses the `{key}` already in `.env.local`; set your own in the host's settings (this signs everyone out once)."
            )
        } else {
            format!("{ROTATE} The fix puts a fresh `{key}` in `.env.local`; set your own in the host's settings (this signs everyone out once).")
        };
        let with_local = |mut changes: Vec<Change>| {
            changes.extend(write_local.clone());
            changes
        };

        // 1. `secret: "…"` in code.
        if project.facts.auth_major.is_some() {
            for s in secret::secret_props(project) {
                let SecretValue::Literal(v) = &s.value else { continue };
                if v.is_empty() || is_test_path(&s.file) {
                    continue;
                }
                let d = Diagnostic::new(
                    &Self::META,
                    &s.file,
                    s.prop.start,
                    s.prop.start + "secret".len().min(s.prop.len()),
                    format!(
                        "the session secret is a string literal in `{}`: anyone who can read the repository can forge a session cookie for any user",
                        s.file
                    ),
                );
                if !can_fix {
                    out.push(d.with_note(format!("Read it from `process.env.{key}` and set a new value in `.env.local` and the host's settings. {ROTATE}")));
                    continue;
                }
                let changes = with_local(vec![Change::edit(&s.file, Edit::replace(s.value_range.start, s.value_range.end, format!("process.env.{key}")))]);
                let title = if local_has_key {
                    format!("Read the secret from `process.env.{key}` (already set in `.env.local`)")
                } else {
                    format!("Read the secret from `process.env.{key}` and write a fresh one into `.env.local`")
                };
                out.push(d.with_note(fresh_note.clone()).with_fix(Fix::new(Applicability::Unsafe, title, changes)));
            }
        }

        // 2. `env: { AUTH_SECRET: "…" }` in next.config.*.
        for f in project.source_files_containing("SECRET").filter(|f| deploy::is_next_config(f)).collect::<Vec<_>>() {
            let Some(p) = project.parsed(f) else { continue };
            let text = project.text(f).unwrap_or("");
            let mut v = ConfigSecrets { hits: vec![] };
            p.module.visit_with(&mut v);
            for (obj, idx) in v.hits {
                let PropOrSpread::Prop(prop) = &obj.props[idx] else { continue };
                let Prop::KeyValue(kv) = &**prop else { continue };
                let name = crate::ast::prop_name(&kv.key).unwrap_or_default();
                let kr = p.range(kv.key.span());
                let d = Diagnostic::new(
                    &Self::META,
                    f,
                    kr.start,
                    kr.end,
                    format!(
                    "`{name}` is a literal in `{f}`'s `env`: it is committed and baked into the build, so anyone who can read the repository can forge sessions"
                ),
                );
                let prev_end = if idx > 0 { Some(p.hi(obj.props[idx - 1].span())) } else { None };
                let del = edit::delete_list_element(text, p.lo(kv.span()), p.hi(kv.span()), prev_end);
                if !can_fix || !primary(&name) {
                    out.push(d.with_note(format!(
                        "Remove it from `{f}`; set a new `{name}` in `.env.local` and the host's settings (Next loads it at runtime). {ROTATE}"
                    )));
                    continue;
                }
                out.push(d.with_note(fresh_note.clone()).with_fix(Fix::new(
                    Applicability::Unsafe,
                    format!("Remove `{name}` from `{f}`; the app reads `{key}` from `.env.local`"),
                    with_local(vec![Change::edit(f, del)]),
                )));
            }
        }

        // 3. Tracked env files.
        for (f, e) in envf::entries_with(project, KEYS) {
            if envf::is_example(f) || !project.is_tracked(f) || secret::is_placeholder(&e.value) || e.value.len() < 8 {
                continue;
            }
            let d = Diagnostic::new(
                &Self::META,
                f,
                e.key_range.start,
                e.key_range.end,
                format!(
                    "`{}` has a literal value in `{f}`, which git tracks: anyone who can read the repository can forge a session cookie for any user",
                    e.key
                ),
            );
            if envf::is_local(f) {
                out.push(d.with_note(format!("Run `git rm --cached {f}` and keep it ignored (E002). {ROTATE}")));
                continue;
            }
            if !can_fix || !primary(&e.key) {
                out.push(d.with_note(format!("Remove it from `{f}`; keep the value only in untracked `.env.local` and the host's settings. {ROTATE}")));
                continue;
            }
            let text = project.text(f).unwrap_or("");
            out.push(d.with_note(fresh_note.clone()).with_fix(Fix::new(
                Applicability::Unsafe,
                format!("Remove `{}` from `{f}`; the app reads `{key}` from `.env.local`", e.key),
                with_local(vec![Change::edit(f, dotenv::delete_line(text, &e))]),
            )));
        }

        // 4. Workflows: literal values in build/deploy jobs, as an env mapping's value
        // (`AUTH_SECRET: "…"`) or a shell assignment in a script (`AUTH_SECRET=…`).
        for w in workflows::workflows(project) {
            if project.git_tracked().is_some() && !project.is_tracked(&w.file) {
                continue;
            }
            let ships_anywhere = (0..w.jobs.len()).any(|j| classify(&w, j).is_some());
            let mut hits: Vec<(&'static str, workflows::Setting)> = Vec::new();
            for k in KEYS {
                for st in w.settings(k) {
                    let literal = if st.in_script { script_value(&st.value) } else { st.value.trim() };
                    if is_literal(literal) {
                        hits.push((k, st));
                    }
                }
            }
            hits.sort_by_key(|(_, st)| st.key_range.start);
            for (k, st) in hits {
                let ships = match st.job {
                    Some(j) => classify(&w, j).is_some(),
                    None => ships_anywhere,
                };
                if !ships {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        &w.file,
                        st.key_range.start,
                        st.key_range.end,
                        format!("`{k}` has a literal value in this workflow: anyone who can read the repository can forge a session cookie for any user"),
                    )
                    .with_note(format!("Store it as a repository secret and write `{k}: ${{{{ secrets.{k} }}}}`. {ROTATE}")),
                );
            }
        }
    }
}

/// Test code signs throwaway tokens with literal secrets on purpose.
fn is_test_path(path: &str) -> bool {
    let p = format!("/{path}");
    ["/__tests__/", "/__mocks__/", "/test/", "/tests/", "/e2e/", "/cypress/", "/playwright/"].iter().any(|d| p.contains(d))
        || [".test.", ".spec.", ".e2e."].iter().any(|m| path.contains(m))
}

/// The value of a shell assignment (`KEY=value`, `KEY="value"`): up to the first space or quote.
fn script_value(rest: &str) -> &str {
    let r = rest.trim_start_matches(['"', '\'']);
    &r[..r.find(|c: char| c.is_whitespace() || c == '"' || c == '\'').unwrap_or(r.len())]
}

/// A value that is a real secret written out: not an expression (`${{ secrets.X }}`, `$VAR`,
/// `$(openssl rand …)`, which E003 judges), not a placeholder, not too short to be one.
fn is_literal(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    v.len() >= 8 && !v.starts_with('$') && !v.contains("${{") && !secret::is_placeholder(v)
}

/// `AUTH_SECRET: "literal"` properties of any object (next.config `env`).
struct ConfigSecrets {
    hits: Vec<(ObjectLit, usize)>,
}

impl Visit for ConfigSecrets {
    fn visit_object_lit(&mut self, obj: &ObjectLit) {
        for (idx, p) in obj.props.iter().enumerate() {
            let PropOrSpread::Prop(prop) = p else { continue };
            let Prop::KeyValue(kv) = &**prop else { continue };
            let Some(name) = crate::ast::prop_name(&kv.key) else { continue };
            let literal = matches!(&*kv.value, Expr::Lit(Lit::Str(s)) if s.value.as_str().is_some_and(|v| !v.is_empty()))
                || matches!(&*kv.value, Expr::Tpl(t) if t.exprs.is_empty());
            if KEYS.contains(&name.as_str()) && literal {
                self.hits.push((obj.clone(), idx));
            }
        }
        obj.visit_children_with(self);
    }
}
