use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Diagnostic, Rule, RuleMeta};
use crate::rules::env_common::workflows::{self, words, Workflow};

declare_rule! {
    /// ## What it does
    /// Finds a GitHub workflow job that generates the Auth.js secret on each run (`openssl rand`,
    /// `crypto.randomBytes`, `/dev/urandom`, `uuidgen`, `npx auth secret`, Python `secrets.token_*`)
    /// for `AUTH_SECRET`/`NEXTAUTH_SECRET` (named in the same step, or passed through a step
    /// output or `$GITHUB_ENV` variable that a line naming the secret reads), when that job
    /// builds or deploys the app. A job counts as deploying when it has an `environment:`, or its
    /// text mentions deploy, release, publish, Vercel, Netlify, Wrangler, Fly, Heroku, Amplify,
    /// `docker push`, or its id, name or step names mention production; as building when its id
    /// or name says build (or it runs `next build`/`npm run build`) and nothing in it tests
    /// (test, e2e, Playwright, Cypress, Jest, Vitest). A throwaway secret in a test-only job —
    /// even one that runs `next build` and `next start` for the tests — is left alone.
    ///
    /// ## Why is this bad?
    /// The secret is the key material of every session: v5 derives the JWE key from it
    /// (`@auth/core/src/jwt.ts`, `getDerivedEncryptionKey`), v4 likewise
    /// (`next-auth/src/jwt/index.ts`). A new secret per build or deploy means cookies issued before
    /// can no longer be decrypted: every deploy signs every user out (v5 also logs `JWTSessionError`
    /// for each old cookie).
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   deploy:
    ///     steps:
    ///       - run: echo "AUTH_SECRET=$(openssl rand -base64 32)" >> .env.production
    ///       - run: npx vercel deploy --prod
    /// ```
    /// Use instead (one secret, made once, stored in the repository's or host's secrets):
    /// ```yaml
    /// jobs:
    ///   deploy:
    ///     env:
    ///       AUTH_SECRET: ${{ secrets.AUTH_SECRET }}
    ///     steps:
    ///       - run: npx vercel deploy --prod
    /// ```
    ///
    /// ## Fix safety
    /// None: the fixed secret has to be created once and stored where only the host and CI can
    /// read it, which a fix cannot do. The note says how.
    pub struct SecretRotatedInCi {
        code: "E003",
        name: "secret-rotated-in-ci",
        fix: None,
        severity: Error,
        summary: "a build or deploy job generates a new secret each run: every deploy signs all users out",
    }
}

const GENERATORS: &[(&str, &str)] = &[
    ("openssl rand", "openssl rand"),
    ("randombytes", "randomBytes"),
    ("/dev/urandom", "/dev/urandom"),
    ("uuidgen", "uuidgen"),
    ("randomuuid", "randomUUID"),
    ("npx auth secret", "npx auth secret"),
    ("npx auth@latest secret", "npx auth secret"),
    ("bunx auth secret", "npx auth secret"),
    ("dlx auth secret", "npx auth secret"),
    ("secrets.token_hex(", "secrets.token_hex"),
    ("secrets.token_urlsafe(", "secrets.token_urlsafe"),
    ("secrets.token_bytes(", "secrets.token_bytes"),
    ("pwgen", "pwgen"),
];

const DEPLOY_WORDS: &[&str] = &["deploy", "deployment", "deploys", "release", "publish", "vercel", "netlify", "wrangler", "flyctl", "heroku", "amplify"];
const PROD_WORDS: &[&str] = &["production", "prod"];
const TEST_WORDS: &[&str] = &["test", "tests", "e2e", "playwright", "cypress", "jest", "vitest", "spec", "specs"];

pub(crate) enum Kind {
    Deploy,
    Build,
}

/// Does job `j` of the workflow build or deploy the app (`Some`), or only test it (`None`)?
pub(crate) fn classify(w: &Workflow, j: usize) -> Option<Kind> {
    let job = &w.jobs[j];
    let text: String = w.job_scalars(j).map(|s| w.raw(s)).collect::<Vec<_>>().join("\n");
    let all = words(&text);
    let lower = text.to_ascii_lowercase();
    let mut label = words(&job.id);
    label.extend(words(job.name.as_deref().unwrap_or("")));
    for s in w.job_scalars(j).filter(|s| s.key.as_ref().is_some_and(|k| k.0 == "name")) {
        label.extend(words(&s.value));
    }
    let deploy = job.environment
        || all.iter().any(|w| DEPLOY_WORDS.contains(&w.as_str()))
        || lower.contains("docker push")
        || lower.contains("build-push-action")
        || label.iter().any(|w| PROD_WORDS.contains(&w.as_str()));
    if deploy {
        return Some(Kind::Deploy);
    }
    if all.iter().any(|w| TEST_WORDS.contains(&w.as_str())) {
        return None;
    }
    let build = label.iter().any(|w| w == "build") || lower.contains("next build") || lower.contains("run build");
    build.then_some(Kind::Build)
}

/// The variable a generator's output is assigned to on its line: `NAME=$(openssl rand …)`.
fn assigned_name(before: &str) -> Option<String> {
    let b = before.trim_end();
    let b = b.strip_suffix("$(").or_else(|| b.strip_suffix('`'))?;
    let b = b.strip_suffix('=')?;
    let name: String = b.chars().rev().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<Vec<_>>().into_iter().rev().collect();
    (!name.is_empty()).then_some(name)
}

fn secret_named(s: &str) -> Option<&'static str> {
    if s.contains("NEXTAUTH_SECRET") {
        Some("NEXTAUTH_SECRET")
    } else if s.contains("AUTH_SECRET") {
        Some("AUTH_SECRET")
    } else {
        None
    }
}

impl Rule for SecretRotatedInCi {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for w in workflows::workflows(project) {
            // No generator anywhere in the file: none on any of its lines.
            let lower = w.text.to_ascii_lowercase();
            if !GENERATORS.iter().any(|(g, _)| lower.contains(g)) {
                continue;
            }
            for (j, job) in w.jobs.iter().enumerate() {
                let mut kind: Option<Option<Kind>> = None;
                // Every script line of the job (YAML comments are not scalars; `#` lines of a
                // script are shell comments).
                let lines: Vec<(usize, &str, Option<usize>)> =
                    w.job_scalars(j).filter(|s| !s.is_key).flat_map(|s| w.lines_of(s).into_iter().map(move |(at, l)| (at, l, s.step))).collect();
                for &(at_line, text, step) in &lines {
                    let lower = text.to_ascii_lowercase();
                    let Some((at, glen, label)) = GENERATORS.iter().find_map(|(g, label)| lower.find(g).map(|at| (at, g.trim_end_matches('(').len(), *label)))
                    else {
                        continue;
                    };
                    let step_text: String = match step {
                        Some(st) => w.scalars.iter().filter(|s| s.job == Some(j) && s.step == Some(st)).map(|s| w.raw(s)).collect::<Vec<_>>().join("\n"),
                        None => text.to_string(),
                    };
                    let key = if label == "npx auth secret" {
                        Some(secret_named(&step_text).unwrap_or("AUTH_SECRET"))
                    } else if let Some(k) = secret_named(&step_text) {
                        Some(k)
                    } else if let Some(name) = assigned_name(&text[..at]) {
                        // A value that names the secret and reads the variable through an
                        // expression (`NEXTAUTH_SECRET: ${{ steps.gen.outputs.secret }}`).
                        let name = name.to_ascii_lowercase();
                        w.job_scalars(j).filter(|s| !s.is_key && w.raw(s).contains("${{")).find_map(|s| {
                            let entry = format!("{} {}", s.key.as_ref().map_or("", |k| k.0.as_str()), w.raw(s));
                            let k = secret_named(&entry)?;
                            words(&entry).contains(&name).then_some(k)
                        })
                    } else {
                        None
                    };
                    let Some(key) = key else { continue };
                    let k = kind.get_or_insert_with(|| classify(&w, j));
                    let Some(k) = k else { break };
                    let message = match k {
                        Kind::Deploy => format!("job `{}` generates a new `{key}` on every run ({label}): each deploy makes every existing session cookie undecryptable, so all users are signed out", job.id),
                        Kind::Build => format!("job `{}` generates a new `{key}` at build time ({label}): every build ships a different secret, so each release signs all users out", job.id),
                    };
                    let start = at_line + at;
                    let end = start + glen;
                    out.push(
                        Diagnostic::new(&Self::META, &w.file, start, end, message).with_note(format!(
                            "Generate one secret once (`openssl rand -base64 32`), store it in the host's settings or as a repository secret, and read it here as `${{{{ secrets.{key} }}}}`; a throwaway secret is fine only in a test-only job."
                        )),
                    );
                }
            }
        }
    }
}
