use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Applicability, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::env_common::env_files as env;
use crate::rules::env_common::secret::{self, SecretValue};

declare_rule! {
    /// ## What it does
    /// Finds an Auth.js (next-auth v4/v5) app whose env files hold `BETTER_AUTH_SECRET` but no
    /// `AUTH_SECRET` / `NEXTAUTH_SECRET`, and renames the key (the value is kept, and masked in
    /// every output).
    ///
    /// ## Why is this bad?
    /// The Auth.js installation docs say to run `npx auth secret`. The npm name `auth` belonged to
    /// the Auth.js CLI up to 1.2.x; from 1.5 it is "The CLI for Better Auth", whose `secret`
    /// command prints a `BETTER_AUTH_SECRET=…` line (and writes no file). Pasted into `.env`,
    /// that secret is never read: Auth.js reads `AUTH_SECRET ?? NEXTAUTH_SECRET` (v5,
    /// `next-auth/src/lib/env.ts`) or `NEXTAUTH_SECRET ?? AUTH_SECRET` (v4,
    /// `next-auth/src/next/index.ts`), so v5 answers 500 `MissingSecret` everywhere and v4 fails
    /// under `next start`. Not reported for apps that use Better Auth (a `better-auth`
    /// dependency or import) or whose config passes `secret: process.env.BETTER_AUTH_SECRET`.
    ///
    /// ## Example
    /// ```sh
    /// # .env.local (from `npx auth secret`)
    /// BETTER_AUTH_SECRET=…
    /// ```
    /// Use instead:
    /// ```sh
    /// AUTH_SECRET=…
    /// ```
    ///
    /// ## Fix safety
    /// Safe: only the key's bytes change (`AUTH_SECRET` for v5, `NEXTAUTH_SECRET` for v4); the
    /// value, comments and line endings stay. Auth.js ignored the old name, so nothing that worked
    /// stops working. Deployments that copied the same name need the same rename in the host's
    /// settings.
    pub struct BetterAuthSecretName {
        code: "E011",
        name: "better-auth-secret-name",
        fix: Always,
        applicability: [Safe],
        severity: Error,
        summary: "`BETTER_AUTH_SECRET` (what `npx auth secret` now prints) is never read by Auth.js",
    }
}

pub const BETTER: &str = "BETTER_AUTH_SECRET";

/// Whether the app uses Better Auth itself.
pub fn uses_better_auth(project: &Project) -> bool {
    project.text("package.json").is_some_and(|t| t.contains("\"better-auth\"")) || project.source_files_containing("better-auth").next().is_some()
}

impl Rule for BetterAuthSecretName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let Some(major) = project.facts.auth_major else { return };
        let better: Vec<_> = env::entries_with(project, &[BETTER]).into_iter().filter(|(_, e)| !e.value.is_empty()).collect();
        if better.is_empty() || uses_better_auth(project) {
            return;
        }
        if env::entries_with(project, &["AUTH_SECRET", "NEXTAUTH_SECRET"]).iter().any(|(_, e)| !e.value.is_empty()) {
            return;
        }
        // The config may read the name itself (`secret: process.env.BETTER_AUTH_SECRET`).
        if secret::secret_props(project).iter().any(|s| matches!(&s.value, SecretValue::Env(n) if n == BETTER)) {
            return;
        }
        let key = secret::secret_key(major);
        let (file, first) = &better[0];
        let files: Vec<&str> = better.iter().map(|(f, _)| *f).collect();
        let d = Diagnostic::new(
            &Self::META,
            file,
            first.key_range.start,
            first.key_range.end,
            format!(
                "`{BETTER}` is Better Auth's name (what `npx auth secret` prints now): Auth.js never reads it, so this app has no secret and {}",
                if major >= 5 {
                    "/api/auth answers 500 (MissingSecret) and `auth()` returns null"
                } else {
                    "`next start` answers 500 (NO_SECRET) on /api/auth"
                }
            ),
        )
        .with_note(format!("Rename it in the deployment's settings too (`{key}`)."));
        let changes = better.iter().map(|(f, e)| env::rename_key(f, e, key)).collect();
        out.push(d.with_fix(Fix::new(Applicability::Safe, format!("Rename `{BETTER}` to `{key}` in {}", files.join(", ")), changes)));
    }
}
