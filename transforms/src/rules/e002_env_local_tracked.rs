use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Applicability, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::env_common as env;

declare_rule! {
    /// ## What it does
    /// Finds `.env.local` (and any other `.env*.local` file) that the app's `.gitignore` does not
    /// ignore. Patterns are matched as git does for the common forms (`.env*.local`, `.env*`,
    /// `*.local`, `/.env.local`, `**/…`, `[…]`, comments, and `!` negations, the last match
    /// winning).
    ///
    /// ## Why is this bad?
    /// `.env*.local` is where Next expects machine-local values, and where `AUTH_SECRET` /
    /// `NEXTAUTH_SECRET` and OAuth client secrets live (E001 writes the secret there). Without an
    /// ignore rule, the next `git add .` commits them: anyone who can read the repository can
    /// then forge session cookies (`@auth/core/src/jwt.ts` and `next-auth/src/jwt/index.ts`
    /// encrypt the session JWT with a key derived only from that secret).
    ///
    /// ## Example
    /// ```gitignore
    /// node_modules
    /// .next
    /// ```
    /// Use instead:
    /// ```gitignore
    /// node_modules
    /// .next
    /// .env*.local
    /// ```
    ///
    /// ## Fix safety
    /// Safe. The fix appends `.env*.local` to `.gitignore` (creating the file when the app has
    /// none); ignoring a file changes nothing at runtime. When a `!` negation un-ignores the file
    /// on purpose, the rule reports it without a fix. When git already tracks the file, ignoring
    /// it does not untrack it: the note says to run `git rm --cached` and rotate its secrets.
    pub struct EnvLocalTracked {
        code: "E002",
        name: "env-local-tracked",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "`.env*.local` not covered by `.gitignore`: its secrets are one `git add` away from the repository",
    }
}

const PATTERN: &str = ".env*.local";

impl Rule for EnvLocalTracked {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let gitignore = project.text(".gitignore");
        for f in env::env_files(project) {
            if !env::is_local(f) {
                continue;
            }
            // Git's own answer covers every .gitignore above the app too (a monorepo root's).
            if project.is_git_ignored(f) == Some(true) {
                continue;
            }
            let verdict = gitignore.and_then(|g| env::gitignore_match(g, f));
            if matches!(verdict, Some((true, _))) {
                continue;
            }
            let tracked = project.is_tracked(f);
            let message = if tracked {
                format!("`{f}` is committed and not ignored: the secrets in it are in the repository for anyone who can read it, and every new one follows with the next commit")
            } else {
                format!("`{f}` is not covered by `.gitignore`: the secrets in it are one `git add .` away from the repository")
            };
            let d = Diagnostic::new(&Self::META, f, 0, 0, message);
            if let (Some(g), Some((false, line))) = (gitignore, verdict) {
                out.push(d.with_note(format!(
                    "A `!` pattern in `.gitignore` (line {}) keeps `{f}` tracked on purpose; keep secrets out of it, or remove that line.",
                    crate::edit::line_col(g, line).0
                )));
                continue;
            }
            let change = env::append_or_create(project, ".gitignore", PATTERN);
            let d = if tracked {
                d.with_note(format!("Also run `git rm --cached {f}`, and rotate every secret it holds: they stay in the git history."))
            } else {
                d
            };
            out.push(d.with_fix(Fix::new(Applicability::Safe, format!("Add `{PATTERN}` to `.gitignore`"), vec![change])));
        }
    }
}
