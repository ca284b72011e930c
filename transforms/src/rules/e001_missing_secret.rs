use crate::declare_rule;
use crate::dotenv;
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::env_common::{self as env, SecretValue};

declare_rule! {
    /// ## What it does
    /// Finds a project whose secret is set nowhere the tool can see: no `AUTH_SECRET` /
    /// `NEXTAUTH_SECRET` (v5 also `AUTH_SECRET_1..3`) in any env file, none documented in
    /// `.env.example`, none in a workflow or `next.config.*`, and no `secret` option in the auth
    /// config other than one read from those same env names.
    ///
    /// ## Why is this bad?
    /// v5 requires a secret in every environment: `@auth/core/src/lib/utils/assert.ts` answers
    /// `MissingSecret` ("Please define a `secret`") when `config.secret` is empty after
    /// `next-auth/src/lib/env.ts` filled it from `AUTH_SECRET ?? NEXTAUTH_SECRET` (and
    /// `@auth/core/src/lib/utils/env.ts` from `AUTH_SECRET_1..3`): `/api/auth/session` answers 500
    /// and `auth()` returns `null`, in `next dev` too. v4 checks it only when
    /// `NODE_ENV === "production"` (`next-auth/src/core/lib/assert.ts`, `NO_SECRET`): `next dev`
    /// works with a warning, then `next start` and every deployment answer 500 on `/api/auth/*`.
    ///
    /// ## Example
    /// A v5 app with an `auth.ts` and only this `.env`:
    /// ```sh
    /// AUTH_GITHUB_ID=Iv1.0123456789
    /// ```
    /// Use instead (`.env.local`, never committed; set the same name in the host's settings):
    /// ```sh
    /// AUTH_SECRET=<32 random bytes, base64>
    /// ```
    ///
    /// ## Fix safety
    /// Safe. The fix writes the fresh 32-byte secret the CLI drew from the OS CSPRNG as
    /// `AUTH_SECRET=` (v5) or `NEXTAUTH_SECRET=` (v4) into `.env.local` (created, or appended to),
    /// which Next loads in development and `next start` and git never sees once E002 holds; a
    /// secret set nowhere cannot be relied on, so nothing that worked changes. When a
    /// `.env.example` exists, the name is added to it with an empty value so the next deployment
    /// knows to set it; a missing `.env.example` is not created (many projects document their
    /// variables elsewhere). Without a fresh secret from the CLI no fix is offered. A deployment
    /// still needs its own secret in the host's settings: the note says so. The secret never
    /// appears in messages or notes.
    pub struct MissingSecret {
        code: "E001",
        name: "missing-secret",
        fix: Always,
        applicability: [Safe],
        severity: Error,
        summary: "no AUTH_SECRET/NEXTAUTH_SECRET anywhere: v5 fails in every environment, v4 in production",
    }
}

impl Rule for MissingSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let Some(major) = project.facts.auth_major else { return };
        let keys = env::secret_keys(major);
        // Set (or documented, even empty) in an env file. An empty entry in a loaded file is
        // handled below: it is the same as none, unless a template documents the name.
        let found = env::entries_with(project, keys);
        if found.iter().any(|(f, e)| env::is_example(f) || !e.value.is_empty()) {
            return;
        }
        if keys.iter().any(|k| env::workflows_mention(project, k) || env::next_config_mentions(project, k)) {
            return;
        }
        // A template that names it, even in a comment (`# AUTH_SECRET=  # npx auth secret`).
        if env::env_files(project).into_iter().filter(|f| env::is_example(f)).any(|f| keys.iter().any(|k| project.text(f).unwrap_or("").contains(k))) {
            return;
        }
        // The config sets the secret itself, or reads it from another name: not ours to judge
        // (a literal is E008's).
        let props = env::secret_props(project);
        if props.iter().any(|s| !matches!(&s.value, SecretValue::Env(n) if keys.contains(&n.as_str()))) {
            return;
        }
        let Some((file, start, end)) = env::nextauth_call(project) else { return };
        // The name the config reads explicitly (`secret: process.env.AUTH_SECRET` in v4), else the
        // one the version documents.
        let key: &str = props
            .iter()
            .find_map(|s| match &s.value {
                SecretValue::Env(n) => keys.iter().find(|k| *k == n).copied(),
                _ => None,
            })
            .unwrap_or(env::secret_key(major));
        let message = if major >= 5 {
            format!("no `{key}` is set in any env file, so /api/auth answers 500 (MissingSecret) and `auth()` returns null, in development too and on any host that does not set it")
        } else {
            format!("no `{key}` is set in any env file, so `next start` answers 500 (NO_SECRET) on /api/auth, as does any deployment whose host does not set it; only `next dev` works")
        };
        let mut d = Diagnostic::new(&Self::META, &file, start, end, message);
        let Some(fresh) = project.facts.fresh_secret.as_deref() else {
            out.push(d.with_note(format!(
                "Generate one with `openssl rand -base64 32` (not `npx auth secret`: the npm `auth` package is now Better Auth's CLI and prints a `BETTER_AUTH_SECRET` that Auth.js never reads), put it in `.env.local` as `{key}` and in your host's settings."
            )));
            return;
        };
        let mut changes = Vec::new();
        // An empty `KEY=` already in `.env.local`: fill it in rather than add a second line.
        let local_empty = found.iter().find(|(f, e)| *f == ".env.local" && e.key == key);
        match local_empty {
            Some((_, e)) => changes.push(Change::edit(".env.local", Edit::replace(e.value_range.start, e.value_range.end, fresh))),
            None => changes.push(env::append_or_create(project, ".env.local", &format!("{key}={fresh}"))),
        }
        if let Some(ex) = env::env_files(project).into_iter().find(|f| env::is_example(f) && !f.contains('/')) {
            let text = project.text(ex).unwrap_or("");
            if dotenv::get(&dotenv::parse(text), key).is_none() {
                changes.push(Change::edit(ex, dotenv::append_line(text, &format!("{key}="))));
            }
        }
        d = d.with_note(format!("Deployments need their own `{key}` in the host's settings (one fixed value; changing it signs everyone out)."));
        out.push(d.with_fix(Fix::new(Applicability::Safe, format!("Write a fresh `{key}` into `.env.local`"), changes)));
    }
}
