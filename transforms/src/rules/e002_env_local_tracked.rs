use crate::declare_rule;
use crate::gitignore::Verdict;
use crate::project::Project;
use crate::rule::{Applicability, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::env_common::env_files as envf;
use crate::rules::env_common::gitignores;

declare_rule! {
    /// ## What it does
    /// Finds `.env.local` (and any other `.env*.local` file) that git does not ignore: inside a
    /// work tree git's own answer decides (every `.gitignore` up to the repository root, the
    /// exclude files); otherwise the app's `.gitignore` and those of the folders above it up to
    /// the workspace root, the nearest deciding, with patterns matched as git matches them (the
    /// `ignore` crate's gitignore rules: comments, escapes, `!` negations, anchoring, folder-only
    /// patterns, `*`, `[…]`, `**`; the last match wins). Also when `.env.local` does not exist
    /// yet but the `.gitignore` ignores `.env` and not `.env.local`: the first secret written
    /// there is then one `git add .` from the repository.    ///
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
        let before = out.len();
        for f in envf::env_files(project) {
            if !envf::is_local(f) || gitignores::is_ignored(project, f) {
                continue;
            }
            let verdict = gitignores::verdict(project, f);
            let tracked = project.is_tracked(f);
            let message = if tracked {
                format!("`{f}` is committed and not ignored: the secrets in it are in the repository for anyone who can read it, and every new one follows with the next commit")
            } else {
                format!("`{f}` is not covered by `.gitignore`: the secrets in it are one `git add .` away from the repository")
            };
            let d = Diagnostic::new(&Self::META, f, 0, 0, message);
            if let Some((g, Verdict { ignored: false, line_start })) = verdict {
                // Named from the app's folder (`../../.gitignore` for a monorepo root's).
                out.push(d.with_note(format!(
                    "A `!` pattern in `{g}` (line {}) keeps `{f}` tracked on purpose; keep secrets out of it, or remove that line.",
                    crate::edit::line_col(project.text(g).unwrap_or(""), line_start).0
                )));
                continue;
            }
            let change = envf::append_or_create(project, ".gitignore", PATTERN);
            let d = if tracked {
                d.with_note(format!("Also run `git rm --cached {f}`, and rotate every secret it holds: they stay in the git history."))
            } else {
                d
            };
            out.push(d.with_fix(Fix::new(Applicability::Safe, format!("Add `{PATTERN}` to `.gitignore`"), vec![change])));
        }
        // `.env` ignored but `.env.local` not, before `.env.local` exists (an Auth.js app puts its
        // secret there: `npx auth secret`, E001's fix, the docs).
        if out.len() > before || project.facts.auth_major.is_none() || project.exists(".env.local") {
            return;
        }
        if !gitignores::is_ignored(project, ".env") || gitignores::is_ignored(project, ".env.local") {
            return;
        }
        // Point at the pattern that ignores `.env`; without one in the files we have (git ignores
        // it through an exclude file), at the app's `.gitignore`.
        let (file, start, end) = match gitignores::verdict(project, ".env") {
            Some((g, v)) if v.ignored => {
                let text = project.text(g).unwrap_or("");
                (g, v.line_start, text[v.line_start..].find(['\r', '\n']).map_or(text.len(), |i| v.line_start + i))
            }
            _ if project.exists(".gitignore") => (".gitignore", 0, 0),
            _ => return,
        };
        out.push(
            Diagnostic::new(&Self::META, file, start, end, "this `.gitignore` ignores `.env` but not `.env.local`, where Next and Auth.js keep secrets: the first one written there is one `git add .` away from the repository")
            .with_fix(Fix::new(Applicability::Safe, format!("Add `{PATTERN}` to `.gitignore`"), vec![envf::append_or_create(project, ".gitignore", PATTERN)])),
        );
    }
}
