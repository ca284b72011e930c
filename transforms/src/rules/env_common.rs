//! Helpers the environment/deployment rules (E001–E008) share: env files and where Next loads
//! them, `.gitignore` matching, a small indentation-based reader for GitHub workflow YAML, the
//! `secret` the auth config sets, and the signals that a project deploys to a host that trusts
//! its own forwarded host (Vercel, Cloudflare Pages).
use crate::dotenv::{self, Entry};
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::Change;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

// ---------------------------------------------------------------------------------------------
// Env files

/// The env files of the project (`.env`, `.env.local`, `.env.example`, …), sorted.
pub fn env_files(project: &Project) -> Vec<&str> {
    let mut v: Vec<&str> = project.data_files().filter(|p| dotenv::is_env_file(p)).collect();
    v.sort();
    v
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A template that documents the variables (`.env.example`, `.env.sample`, `.env.template`,
/// `.env.dist`): Next never loads it.
pub fn is_example(path: &str) -> bool {
    let n = file_name(path);
    [".env.example", ".env.sample", ".env.template", ".env.dist", ".env.local.example", ".env.example.local"].contains(&n)
}

/// `.env.local`, `.env.development.local`, … (never meant to be committed).
pub fn is_local(path: &str) -> bool {
    file_name(path).ends_with(".local") && !is_example(path)
}

/// Files `next start` loads (`.env`, `.env.local`, `.env.production`, `.env.production.local`).
pub fn loaded_in_production(path: &str) -> bool {
    [".env", ".env.local", ".env.production", ".env.production.local"].contains(&file_name(path))
}

/// Every entry with one of `keys`, across all env files: `(file, entry)`.
pub fn entries_with<'a>(project: &'a Project, keys: &[&str]) -> Vec<(&'a str, Entry)> {
    let mut out = Vec::new();
    for f in env_files(project) {
        for e in dotenv::parse(project.text(f).unwrap_or("")) {
            if keys.contains(&e.key.as_str()) {
                out.push((f, e));
            }
        }
    }
    out
}

/// The change that adds `line` to `file`: appended when the file exists, else a new file.
pub fn append_or_create(project: &Project, file: &str, line: &str) -> Change {
    match project.text(file) {
        Some(t) => Change::edit(file, dotenv::append_line(t, line)),
        None => Change::Create { file: file.to_string(), content: format!("{line}\n") },
    }
}

/// The change that renames the key of `e` in `file` to `new_key` (only the key's bytes).
pub fn rename_key(file: &str, e: &Entry, new_key: &str) -> Change {
    Change::edit(file, Edit::replace(e.key_range.start, e.key_range.end, new_key))
}

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

/// Does a workflow mention `key` as an env name (`KEY:` / `KEY=`)?
pub fn workflows_mention(project: &Project, key: &str) -> bool {
    workflow_files(project).iter().any(|w| {
        project.text(w).unwrap_or("").lines().any(|l| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            let t = t.strip_prefix("export ").unwrap_or(t);
            t.strip_prefix(key).is_some_and(|r| r.starts_with(':') || r.starts_with('='))
        })
    })
}

/// Does a `next.config.*` name `key` (e.g. in its `env` block)?
pub fn next_config_mentions(project: &Project, key: &str) -> bool {
    project.source_files_containing(key).any(is_next_config)
}

pub fn is_next_config(path: &str) -> bool {
    ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts"].contains(&path)
}

/// Is this value a placeholder rather than a real secret (`changeme`, `your-secret-here`, `<…>`)?
pub fn is_placeholder(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    v.is_empty() || ["your", "change", "replace", "example", "placeholder", "generate", "todo", "xxx", "<", "...", "${", "$("].iter().any(|w| v.contains(w))
}

// ---------------------------------------------------------------------------------------------
// Hosts

/// Signs that the app deploys to a host Auth.js trusts by itself (`VERCEL`, `CF_PAGES` set by the
/// platform): the `vercel` CLI or `@cloudflare/next-on-pages` in package.json, or a workflow that
/// deploys with them.
pub fn trusted_host_platform(project: &Project) -> bool {
    let pkg = project.text("package.json").unwrap_or("");
    if pkg.contains("\"vercel\"") || pkg.contains("vercel ") || pkg.contains("@cloudflare/next-on-pages") || pkg.contains("wrangler pages") {
        return true;
    }
    workflow_files(project).iter().any(|w| {
        let t = project.text(w).unwrap_or("").to_ascii_lowercase();
        t.contains("vercel") || t.contains("cloudflare/pages-action") || t.contains("wrangler pages")
    })
}

// ---------------------------------------------------------------------------------------------
// .gitignore

/// How the root `.gitignore` treats `path`: `Some((ignored, line_start))` from the last pattern
/// that matches it (a `!` negation gives `ignored == false`), `None` when no pattern matches.
/// Handles comments, `\#`/`\!` escapes, `!` negations, trailing `/` (directories only), anchored
/// patterns (a `/` at the start or in the middle), `*`, `?`, `[…]` and `**`.
pub fn gitignore_match(gitignore: &str, path: &str) -> Option<(bool, usize)> {
    let mut result = None;
    let mut pos = 0;
    let comps: Vec<&str> = path.split('/').collect();
    for raw in gitignore.split_inclusive('\n') {
        let start = pos;
        pos += raw.len();
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        let line = trim_unescaped_trailing_spaces(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (negate, pat) = match line.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, line),
        };
        let pat = if pat.starts_with("\\#") || pat.starts_with("\\!") { &pat[1..] } else { pat };
        let (dir_only, pat) = match pat.strip_suffix('/') {
            Some(p) => (true, p),
            None => (false, pat),
        };
        if pat.is_empty() {
            continue;
        }
        let anchored = pat.contains('/');
        let pat = pat.strip_prefix('/').unwrap_or(pat);
        let mut hit = false;
        // The path itself (a file) or one of its parent folders.
        for n in 1..=comps.len() {
            let is_file = n == comps.len();
            if dir_only && is_file {
                continue;
            }
            let matched = if anchored { glob(pat.as_bytes(), comps[..n].join("/").as_bytes()) } else { glob(pat.as_bytes(), comps[n - 1].as_bytes()) };
            if matched {
                hit = true;
                break;
            }
        }
        if hit {
            result = Some((!negate, start));
        }
    }
    result
}

fn trim_unescaped_trailing_spaces(s: &str) -> &str {
    let mut end = s.len();
    while end > 0 && s.as_bytes()[end - 1] == b' ' && !(end >= 2 && s.as_bytes()[end - 2] == b'\\') {
        end -= 1;
    }
    &s[..end]
}

/// gitignore-style glob: `*` and `?` never match `/`, `**` matches anything (with `**/` also
/// matching no folder at all), `[a-z]`/`[!…]` classes, `\x` escapes.
pub fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') if p.starts_with(b"**") => {
            let rest = &p[2..];
            let rest_no_slash = rest.strip_prefix(b"/").unwrap_or(rest);
            (0..=s.len()).any(|i| glob(rest, &s[i..]) || (rest_no_slash.len() != rest.len() && glob(rest_no_slash, &s[i..])))
        }
        Some(b'*') => {
            let mut i = 0;
            loop {
                if glob(&p[1..], &s[i..]) {
                    return true;
                }
                if i >= s.len() || s[i] == b'/' {
                    return false;
                }
                i += 1;
            }
        }
        Some(b'?') => !s.is_empty() && s[0] != b'/' && glob(&p[1..], &s[1..]),
        Some(b'[') => {
            let Some(close) = p.iter().skip(2).position(|c| *c == b']').map(|i| i + 2) else {
                return s.first() == Some(&b'[') && glob(&p[1..], &s[1..]);
            };
            let Some(&c) = s.first() else { return false };
            let mut class = &p[1..close];
            let neg = matches!(class.first(), Some(b'!') | Some(b'^'));
            if neg {
                class = &class[1..];
            }
            let mut found = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    if class[i] <= c && c <= class[i + 2] {
                        found = true;
                    }
                    i += 3;
                } else {
                    if class[i] == c {
                        found = true;
                    }
                    i += 1;
                }
            }
            c != b'/' && found != neg && glob(&p[close + 1..], &s[1..])
        }
        Some(b'\\') if p.len() > 1 => s.first() == Some(&p[1]) && glob(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && glob(&p[1..], &s[1..]),
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub workflows (indentation-based; enough to know which job a line belongs to)

pub fn workflow_files(project: &Project) -> Vec<&str> {
    let mut v: Vec<&str> = project.data_files().filter(|p| p.starts_with(".github/workflows/") && (p.ends_with(".yml") || p.ends_with(".yaml"))).collect();
    v.sort();
    v
}

/// One physical line of a YAML file.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    pub start: usize,
    pub text: &'a str,
    pub indent: usize,
}

impl Line<'_> {
    /// Blank or comment-only: no structure.
    pub fn is_trivia(&self) -> bool {
        let t = self.text.trim();
        t.is_empty() || t.starts_with('#')
    }
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

pub fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let l = raw.trim_end_matches('\n').trim_end_matches('\r');
        out.push(Line { start: pos, text: l, indent: l.len() - l.trim_start_matches(' ').len() });
        pos += raw.len();
    }
    out
}

/// A job of a workflow: its id, its `name:`, its line range, and its steps (line ranges).
#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    pub name: Option<String>,
    /// Index range into [`lines`] (header line included).
    pub lines: std::ops::Range<usize>,
    pub steps: Vec<std::ops::Range<usize>>,
    /// Has an `environment:` key (a GitHub deployment environment).
    pub environment: bool,
}

/// `key:` at the start of a trimmed line (the key without quotes).
fn yaml_key(t: &str) -> Option<&str> {
    let t = t.strip_prefix("- ").unwrap_or(t);
    let i = t.find(':')?;
    let k = t[..i].trim().trim_matches(|c| c == '"' || c == '\'');
    let after = &t[i + 1..];
    if k.is_empty() || k.contains(' ') || !(after.is_empty() || after.starts_with(' ') || after.starts_with('\t')) {
        return None;
    }
    Some(k)
}

fn yaml_value(t: &str) -> &str {
    let t = t.strip_prefix("- ").unwrap_or(t);
    t.find(':').map_or("", |i| t[i + 1..].trim()).trim_matches(|c| c == '"' || c == '\'')
}

/// The jobs of a workflow (the children of the top-level `jobs:` key).
pub fn jobs(ls: &[Line]) -> Vec<Job> {
    let mut out = Vec::new();
    let Some(jobs_at) = ls.iter().position(|l| l.indent == 0 && yaml_key(l.trimmed()) == Some("jobs")) else { return out };
    let end = (jobs_at + 1..ls.len()).find(|&i| !ls[i].is_trivia() && ls[i].indent == 0).unwrap_or(ls.len());
    let Some(job_indent) = (jobs_at + 1..end).find(|&i| !ls[i].is_trivia()).map(|i| ls[i].indent) else { return out };
    let headers: Vec<usize> = (jobs_at + 1..end).filter(|&i| !ls[i].is_trivia() && ls[i].indent == job_indent).collect();
    for (n, &h) in headers.iter().enumerate() {
        let Some(id) = yaml_key(ls[h].trimmed()) else { continue };
        let jend = headers.get(n + 1).copied().unwrap_or(end);
        let body_indent = (h + 1..jend).find(|&i| !ls[i].is_trivia()).map_or(job_indent + 2, |i| ls[i].indent);
        let mut job = Job { id: id.to_string(), name: None, lines: h..jend, steps: vec![], environment: false };
        let mut i = h + 1;
        while i < jend {
            let l = &ls[i];
            if !l.is_trivia() && l.indent == body_indent {
                match yaml_key(l.trimmed()) {
                    Some("name") => job.name = Some(yaml_value(l.trimmed()).to_string()),
                    Some("environment") => job.environment = true,
                    Some("steps") => {
                        let send =
                            (i + 1..jend).find(|&k| !ls[k].is_trivia() && ls[k].indent <= body_indent && !ls[k].trimmed().starts_with('-')).unwrap_or(jend);
                        if let Some(item_indent) = (i + 1..send).find(|&k| !ls[k].is_trivia()).map(|k| ls[k].indent) {
                            let starts: Vec<usize> = (i + 1..send).filter(|&k| ls[k].indent == item_indent && ls[k].trimmed().starts_with('-')).collect();
                            for (m, &s) in starts.iter().enumerate() {
                                job.steps.push(s..starts.get(m + 1).copied().unwrap_or(send));
                            }
                        }
                        i = send;
                        continue;
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        out.push(job);
    }
    out
}

/// Lower-case alphanumeric words of a text (`test:e2e` → `test`, `e2e`).
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase()).collect()
}

/// The value of a `key:` line in the given line range at any depth (`name:`, `uses:`, `run:`).
pub fn values_of<'a>(ls: &'a [Line<'a>], range: std::ops::Range<usize>, key: &str) -> Vec<&'a str> {
    ls[range].iter().filter(|l| yaml_key(l.trimmed()) == Some(key)).map(|l| yaml_value(l.trimmed())).collect()
}

// ---------------------------------------------------------------------------------------------
// The auth config's `secret`

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

/// Source files that import (or re-export) from `next-auth` or `@auth/*` (the auth config,
/// middleware, routes).
pub fn auth_sources_with<'a>(project: &'a Project, needle: &str) -> Vec<&'a str> {
    auth_sources_where(project, |t| t.contains(needle))
}

/// [`auth_sources`] restricted to files whose text passes `pred` (checked before parsing, so only
/// the files a rule can care about are parsed).
pub fn auth_sources_where(project: &Project, pred: impl Fn(&str) -> bool) -> Vec<&str> {
    let mut files: Vec<&str> =
        project.source_files_containing("next-auth").chain(project.source_files_containing("@auth/")).filter(|f| project.text(f).is_some_and(&pred)).collect();
    files.sort();
    files.dedup();
    files
        .into_iter()
        .filter(|f| {
            project.parsed(f).is_some_and(|p| {
                let is_auth = |s: &str| s == "next-auth" || s.starts_with("next-auth/") || s.starts_with("@auth/");
                p.module.body.iter().any(|item| match item {
                    ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => d.src.value.as_str().is_some_and(is_auth),
                    ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport { src: Some(s), .. })) => s.value.as_str().is_some_and(is_auth),
                    ModuleItem::ModuleDecl(ModuleDecl::ExportAll(e)) => e.src.value.as_str().is_some_and(is_auth),
                    _ => false,
                })
            })
        })
        .collect()
}

/// Textual test: does the file have a default import from `next-auth` (`import NextAuth from
/// "next-auth"`, `import NextAuth, { … } from 'next-auth'`)? Used before parsing.
pub fn may_import_nextauth_default(text: &str) -> bool {
    for q in ["\"next-auth\"", "'next-auth'"] {
        for (i, _) in text.match_indices(q) {
            let stmt_start = text[..i].rfind("import").unwrap_or(0);
            let clause = text[stmt_start..i].trim_start_matches("import").trim_start();
            if clause.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$') && !clause.starts_with("type ") {
                return true;
            }
        }
    }
    false
}

/// Every `secret` property in the files that import Auth.js (`NextAuth({ secret })`,
/// `authOptions.secret`, `withAuth({ secret })`, `getToken({ secret })`, `jwt: { secret }`).
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

pub fn prop_name(k: &PropName) -> Option<String> {
    match k {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => s.value.as_str().map(|s| s.to_string()),
        _ => None,
    }
}

fn unwrap_expr(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unwrap_expr(&p.expr),
        Expr::TsNonNull(n) => unwrap_expr(&n.expr),
        Expr::TsAs(a) => unwrap_expr(&a.expr),
        Expr::TsSatisfies(a) => unwrap_expr(&a.expr),
        _ => e,
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

/// Where the auth setup lives, for a diagnostic that concerns the whole project: the first
/// `NextAuth(…)` call (v5 `auth.ts`, v4 route handler), as `(file, start, end)` of its callee.
pub fn nextauth_call(project: &Project) -> Option<(String, usize, usize)> {
    let mut best: Option<(String, usize, usize)> = None;
    for f in auth_sources_where(project, may_import_nextauth_default) {
        let Some(p) = project.parsed(f) else { continue };
        let Some(local) = crate::ast::local_name(&p, &["next-auth"], "default") else { continue };
        if let Some(c) = crate::ast::calls(&p).into_iter().find(|c| c.callee == local) {
            let r = p.range(c.callee_span);
            // Prefer the config file over the v4 route handler.
            let is_route = f.contains("[...nextauth]");
            if best.is_none() || (!is_route && best.as_ref().is_some_and(|b| b.0.contains("[...nextauth]"))) {
                best = Some((f.to_string(), r.start, r.end));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ign(g: &str, p: &str) -> bool {
        gitignore_match(g, p).map_or(false, |(i, _)| i)
    }

    #[test]
    fn gitignore_forms() {
        assert!(ign(".env*.local\n", ".env.local"));
        assert!(ign(".env*.local\n", ".env.development.local"));
        assert!(ign(".env*\n", ".env.local"));
        assert!(ign("*.local\n", ".env.local"));
        assert!(ign(".env.local\n", ".env.local"));
        assert!(!ign(".env.local\n", ".env.production.local"));
        assert!(!ign(".env\n", ".env.local"));
        assert!(ign("/.env.local\n", ".env.local"));
        assert!(ign("**/.env.local\n", ".env.local"));
        assert!(!ign("# .env.local\n", ".env.local"));
        assert!(!ign(".env*\n!.env.local\n", ".env.local"));
        assert!(ign("!.env.local\n.env*\n", ".env.local"));
        assert!(!ign(".env*.local/\n", ".env.local"));
        assert!(ign(".env.[lp]ocal\r\n", ".env.local"));
        assert!(!ign("config/.env.local\n", ".env.local"));
        assert!(!ign("", ".env.local"));
    }

    #[test]
    fn workflow_jobs_and_steps() {
        let y = "name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n    - uses: actions/checkout@v4\n    - name: Build\n      run: |\n        npm run build\n\n  deploy:\n    name: Ship it\n    environment: production\n    steps:\n      - run: echo hi\n";
        let ls = lines(y);
        let js = jobs(&ls);
        assert_eq!(js.len(), 2);
        assert_eq!(js[0].id, "test");
        assert_eq!(js[0].steps.len(), 2);
        assert_eq!(js[1].id, "deploy");
        assert_eq!(js[1].name.as_deref(), Some("Ship it"));
        assert!(js[1].environment);
        assert_eq!(js[1].steps.len(), 1);
    }
}
