use crate::declare_rule;
use crate::dotenv;
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta, Severity};
use crate::rules::env_common::env_files as envf;
use crate::rules::env_common::secret::{self, SecretValue};
use crate::rules::env_common::{auth_files, deploy, workflows};

declare_rule! {
    /// ## What it does
    /// Finds a project whose secret is set nowhere the tool can see: no `AUTH_SECRET` /
    /// `NEXTAUTH_SECRET` (v5 also `AUTH_SECRET_1..3`) with a value in any env file (the app's, or
    /// one in a folder above it up to the workspace/git root, where monorepos keep theirs), none
    /// documented in a template (`.env.example` & co., the workspace root's included), none passed
    /// by a workflow from the repository's secrets or variables (`${{ secrets.AUTH_SECRET }}`),
    /// none named in `next.config.*`, and no `secret` option in the auth config other than one
    /// read from those same env names. A literal in a workflow (E008's) or a value a workflow
    /// generates (E003's) does not count: `next dev` and every deployment still have none.
    ///
    /// It is an **error** where the secret is missing from an environment that exists: the app
    /// has local env files that `next dev` / `next start` load (untracked ones inside a git work
    /// tree, any outside one; an outer env file counts when a script, dotenv-cli or turbo loads
    /// it) and none of them sets it — or, for v5, which needs it in `next dev` too, when nothing
    /// sets or documents it at all. A v4 checkout with no local env file (a fresh clone, CI: the
    /// secret lives in the host's settings) gets a **warning** that it is documented nowhere.    ///
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
        let keys = secret::secret_keys(major);
        let own = envf::env_files(project);
        let outer = envf::outer_env_files(project);
        // A `BETTER_AUTH_SECRET` from `npx auth secret` is E011's: it renames the key.
        let better = crate::rules::e011_better_auth_secret_name::BETTER;
        if envf::entries_in(project, own.iter().chain(&outer).copied().collect(), &[better]).iter().any(|(_, e)| !e.value.is_empty())
            && !crate::rules::e011_better_auth_secret_name::uses_better_auth(project)
        {
            return;
        }
        // Set in an env file: the app's own, or one a monorepo keeps above it. An empty entry is
        // the same as none.
        let sets = |files: &[&str]| envf::entries_in(project, files.to_vec(), keys).iter().any(|(f, e)| !envf::is_example(f) && !e.value.is_empty());
        if sets(&own) || sets(&outer) {
            return;
        }
        // Documented in a template, even in a comment (`# AUTH_SECRET=  # npx auth secret`).
        if own.iter().chain(&outer).filter(|f| envf::is_example(f)).any(|f| keys.iter().any(|k| project.text(f).unwrap_or("").contains(k))) {
            return;
        }
        // Documented in a README's env block (`AUTH_SECRET=` on a line of its own), the app's or
        // one above it: the way tutorials and starters without a template tell you to set it.
        let readme_names = |t: &str| {
            t.lines().any(|l| {
                let l = l.trim_start().strip_prefix("export ").unwrap_or(l.trim_start());
                keys.iter().any(|k| l.strip_prefix(k).is_some_and(|rest| rest.trim_start().starts_with('=')))
            })
        };
        if project.data_files().filter(|f| envf::file_name(f).eq_ignore_ascii_case("readme.md")).any(|f| readme_names(project.text(f).unwrap_or(""))) {
            return;
        }
        // Passed by a workflow from the repository's secrets or variables; named in next.config.
        let from_store = |v: &str| v.contains("${{") && ["secrets.", "vars.", "inputs."].iter().any(|s| v.contains(s));
        if workflows::workflows(project).iter().any(|w| keys.iter().any(|k| w.settings(k).iter().any(|s| from_store(&s.value))))
            || keys.iter().any(|k| deploy::next_config_mentions(project, k))
        {
            return;
        }
        // The config sets the secret itself, or reads it from another name: not ours to judge
        // (a literal is E008's).
        let props = secret::secret_props(project);
        if props.iter().any(|s| !matches!(&s.value, SecretValue::Env(n) if keys.contains(&n.as_str()))) {
            return;
        }
        let Some((file, start, end)) = auth_files::nextauth_call(project) else { return };
        // The name the config reads explicitly (`secret: process.env.AUTH_SECRET` in v4), else the
        // one the version documents.
        let key: &str = props
            .iter()
            .find_map(|s| match &s.value {
                SecretValue::Env(n) => keys.iter().find(|k| *k == n).copied(),
                _ => None,
            })
            .unwrap_or(secret::secret_key(major));
        // The env files this machine's `next dev` / `next start` load, which are not in the
        // repository (a fresh clone has none of them).
        let loaded = envf::outer_env_loaded(project);
        let local: Vec<&str> = own
            .iter()
            .copied()
            .filter(|f| !envf::is_example(f) && (envf::loaded_in_development(f) || envf::loaded_in_production(f)))
            .chain(loaded)
            .filter(|f| project.git_tracked().is_none() || !project.is_tracked(f))
            .collect();
        let mut d = if !local.is_empty() {
            let files = local.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
            let message = if major >= 5 {
                format!("no `{key}` is set in {files} or any other env file, so /api/auth answers 500 (MissingSecret) and `auth()` returns null, in development too and on any host that does not set it")
            } else {
                format!("no `{key}` is set in {files} or any other env file, so `next start` answers 500 (NO_SECRET) on /api/auth, as does any deployment whose host does not set it; only `next dev` works")
            };
            Diagnostic::new(&Self::META, &file, start, end, message)
        } else if major >= 5 {
            // v5 needs it in `next dev` too: a checkout where nothing sets or documents it cannot
            // run at all until someone finds out.
            Diagnostic::new(&Self::META, &file, start, end, format!(
                "`{key}` is neither set nor documented anywhere (no env file, template, or workflow secret names it), so /api/auth answers 500 (MissingSecret) and `auth()` returns null in every checkout, `next dev` included, and on every host until someone sets it"
            ))
        } else {
            let mut d = Diagnostic::new(&Self::META, &file, start, end, format!(
                "`{key}` is documented nowhere: no env file sets it, no template (`.env.example`) names it and no workflow passes it from the repository's secrets, so every host must find out by itself that `next start` answers 500 (NO_SECRET) on /api/auth without it"
            ));
            d.severity = Severity::Warning;
            d
        };
        let Some(fresh) = project.facts.fresh_secret.as_deref() else {
            out.push(d.with_note(format!(
                "Generate one with `openssl rand -base64 32` (not `npx auth secret`: the npm `auth` package is now Better Auth's CLI and prints a `BETTER_AUTH_SECRET` that Auth.js never reads), put it in `.env.local` as `{key}` and in your host's settings."
            )));
            return;
        };
        let found = envf::entries_with(project, keys);
        let mut changes = Vec::new();
        // An empty `KEY=` already in `.env.local`: fill it in rather than add a second line.
        let local_empty = found.iter().find(|(f, e)| *f == ".env.local" && e.key == key);
        match local_empty {
            Some((_, e)) => changes.push(Change::edit(".env.local", Edit::replace(e.value_range.start, e.value_range.end, fresh))),
            None => changes.push(envf::append_or_create(project, ".env.local", &format!("{key}={fresh}"))),
        }
        if let Some(ex) = own.iter().find(|f| envf::is_example(f) && !f.contains('/')) {
            let text = project.text(ex).unwrap_or("");
            if dotenv::get(&dotenv::parse(text), key).is_none() {
                changes.push(Change::edit(ex, dotenv::append_line(text, &format!("{key}="))));
            }
        }
        d = d.with_note(format!("Deployments need their own `{key}` in the host's settings (one fixed value; changing it signs everyone out)."));
        out.push(d.with_fix(Fix::new(Applicability::Safe, format!("Write a fresh `{key}` into `.env.local`"), changes)));
    }
}
