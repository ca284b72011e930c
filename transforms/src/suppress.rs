//! Inline suppressions: `// authfix-ignore C001: reason` on the line above a finding or on its
//! line (`{/* authfix-ignore P001: reason */}` in JSX, `# authfix-ignore E002: reason` in env and
//! YAML files). Several codes (or rule names) may be listed, comma-separated; no code at all
//! suppresses every finding there. A suppression that no longer suppresses anything is itself
//! reported (A001), so stale ones do not pile up — judged only for the rules that ran, so that
//! `check --select S001` never calls a `C001` suppression unused.
use crate::declare_rule;
use crate::edit::{line_col, line_end_incl, line_start, Edit};
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};

pub const MARKER: &str = "authfix-ignore";

declare_rule! {
    /// ## What it does
    /// Reports an `// authfix-ignore CODE: reason` comment that matched no finding on its line or
    /// the line below, and a listed code that is not an authfix rule. Suppressions are judged
    /// only for the rules that ran: with `--select S001`, a `C001` suppression is left alone.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding at that place, and tells readers a problem
    /// is there when it is not.
    ///
    /// ## Example
    /// ```ts
    /// // authfix-ignore C001: we terminate TLS ourselves
    /// export const authOptions = { providers: [] };
    /// ```
    /// Use instead: delete the comment.
    ///
    /// ## Fix safety
    /// Safe: it deletes the comment (the whole line when the comment stands alone on it), or, when
    /// only some of its codes are unused, removes just those codes from the list. A suppression
    /// never changes what the code does.
    pub struct UnusedSuppression {
        code: "A001",
        name: "unused-suppression",
        fix: Always,
        applicability: [Safe],
        severity: Warning,
        summary: "an `authfix-ignore` comment that no longer suppresses anything",
    }
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    /// The engine reports A001 itself once every other rule has run (see [`apply`]).
    fn check(&self, _project: &Project, _out: &mut Vec<Diagnostic>) {}
}

#[derive(Debug, Clone)]
struct Directive {
    line: usize,
    /// The comment: from `//`, `/*` (or the `{` of a JSX `{/* … */}`), or `#`, to its end.
    start: usize,
    end: usize,
    /// The code list, `start..end` in the text (for removing some of its codes).
    list: (usize, usize),
    codes: Vec<String>,
}

/// Where the comment holding the marker starts (`before` is its line up to the marker), with how
/// it ends (`None` for a line comment). `#` comments (env files, YAML) start a line or follow a
/// space; in JS/TS only `//` and `/*` count.
fn comment_start(before: &str, hash_comments: bool) -> Option<(usize, Option<&'static str>)> {
    let line_c = before.rfind("//");
    let block_c = before.rfind("/*");
    let hash =
        if hash_comments { before.char_indices().find(|&(i, c)| c == '#' && (i == 0 || before[..i].ends_with([' ', '\t']))).map(|(i, _)| i) } else { None };
    match (line_c, block_c) {
        (Some(l), Some(b)) if b > l => Some((b, Some("*/"))),
        (Some(l), _) => Some((l, None)),
        (None, Some(b)) => Some((b, Some("*/"))),
        (None, None) => hash.map(|h| (h, None)),
    }
}

fn directives(text: &str, hash_comments: bool) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut pos = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(at) = line.find(MARKER) {
            // Only inside a comment: `//`, `/*` or `#` before the marker.
            if let Some((cstart, closer)) = comment_start(&line[..at], hash_comments) {
                let rest = &line[at + MARKER.len()..];
                let list_len = rest.find(':').into_iter().chain(rest.find("*/")).chain(rest.find(['\r', '\n'])).min().unwrap_or(rest.len());
                let list_text = &rest[..list_len];
                let codes: Vec<String> = list_text.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
                let body_end = line.trim_end_matches(['\n', '\r']).len();
                let (mut start, mut end) = (cstart, body_end);
                if let Some(closer) = closer {
                    end = line[at..].find(closer).map_or(body_end, |j| at + j + closer.len());
                    // JSX: `{/* authfix-ignore … */}` is one expression container.
                    let open = line[..cstart].trim_end();
                    if open.ends_with('{') && line[end..].trim_start().starts_with('}') {
                        start = open.len() - 1;
                        end += line[end..].find('}').unwrap() + 1;
                    }
                }
                let list_start = pos + at + MARKER.len();
                out.push(Directive { line: i + 1, start: pos + start, end: pos + end, list: (list_start, list_start + list_len), codes });
            }
        }
        pos += line.len();
    }
    out
}

/// The edit that deletes a directive: the whole line when nothing else stands on it.
fn delete_directive(text: &str, d: &Directive) -> Edit {
    let ls = line_start(text, d.start);
    let le = line_end_incl(text, d.start);
    let line_rest = text[d.end..le].trim_end_matches(['\n', '\r']);
    if text[ls..d.start].trim().is_empty() && line_rest.trim().is_empty() {
        Edit::delete(ls, le)
    } else {
        // Keep the code before it; drop the spaces that separated them.
        let mut s = d.start;
        while s > ls && matches!(text.as_bytes()[s - 1], b' ' | b'\t') {
            s -= 1;
        }
        Edit::delete(s, d.end)
    }
}

fn code_matches(listed: &str, d: &Diagnostic) -> bool {
    listed.eq_ignore_ascii_case(d.code) || listed == d.name
}

/// Which comments a file's suppressions are written in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Comments {
    /// `//` and `/* */`: sources, and JSON with comments (`tsconfig.json`).
    Slashes,
    /// `#` as well: env files, YAML, Dockerfiles, `.gitignore`.
    Hash,
}

/// `None` for a file no finding's suppression can live in: Markdown (a README that documents
/// `authfix-ignore` shows examples of it; it never suppresses, and `fix` must not edit it).
fn comment_syntax(path: &str) -> Option<Comments> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if [".md", ".mdx", ".markdown"].iter().any(|e| name.ends_with(e)) {
        None
    } else if crate::parse::is_source_path(path) || name.ends_with(".json") {
        Some(Comments::Slashes)
    } else {
        Some(Comments::Hash)
    }
}

/// Drop suppressed diagnostics and, when A001 ran, add one for each directive (or listed code)
/// that matched nothing. `ran` lists the codes of the rules that ran.
pub fn apply(project: &Project, diags: Vec<Diagnostic>, ran: &[&str]) -> Vec<Diagnostic> {
    /// A directive, which of its codes matched a finding, and whether it matched as a blanket one.
    type Tracked = (Directive, Vec<bool>, bool);
    let mut by_file: std::collections::BTreeMap<&str, Vec<Tracked>> = Default::default();
    // Sources through the project's literal index (kept across the fix loop's passes).
    let data = project
        .data_files()
        .filter(|p| comment_syntax(p).is_some())
        .filter(|p| memchr::memmem::find(project.text(p).unwrap_or("").as_bytes(), MARKER.as_bytes()).is_some());
    for path in project.source_files_containing(MARKER).chain(data) {
        let ds = directives(project.text(path).unwrap_or(""), comment_syntax(path) == Some(Comments::Hash));
        if !ds.is_empty() {
            by_file.insert(path, ds.into_iter().map(|d| (vec![false; d.codes.len()], d)).map(|(u, d)| (d, u, false)).collect());
        }
    }
    if by_file.is_empty() {
        return diags;
    }
    let mut kept = Vec::with_capacity(diags.len());
    for d in diags {
        let mut suppressed = false;
        if let Some(ds) = by_file.get_mut(d.file.as_str()) {
            let (line, _) = line_col(project.text(&d.file).unwrap_or(""), d.start);
            for (dir, used, blanket_used) in ds.iter_mut() {
                if dir.line != line && dir.line + 1 != line {
                    continue;
                }
                if dir.codes.is_empty() {
                    *blanket_used = true;
                    suppressed = true;
                }
                for (c, u) in dir.codes.iter().zip(used.iter_mut()) {
                    if code_matches(c, &d) {
                        *u = true;
                        suppressed = true;
                    }
                }
            }
        }
        if !suppressed {
            kept.push(d);
        }
    }
    if !ran.contains(&UnusedSuppression::META.code) {
        return kept;
    }
    let registry = crate::rules::all();
    let every_rule_ran = registry.iter().all(|r| ran.contains(&r.meta().code));
    for (file, ds) in by_file {
        let text = project.text(file).unwrap_or("");
        for (dir, used, blanket_used) in ds {
            let report = |msg: String, fix: Fix| Diagnostic::new(&UnusedSuppression::META, file, dir.start, dir.end, msg).with_fix(fix);
            if dir.codes.is_empty() {
                if every_rule_ran && !blanket_used {
                    let fix =
                        Fix::new(Applicability::Safe, "Delete the unused `authfix-ignore` comment", vec![Change::edit(file, delete_directive(text, &dir))]);
                    kept.push(report("this `authfix-ignore` suppresses nothing: no finding on this line or the next; delete it".into(), fix));
                }
                continue;
            }
            // A listed code is judged when its rule ran; a code that names no rule always is.
            let unused: Vec<&String> = dir
                .codes
                .iter()
                .zip(&used)
                .filter(|(c, u)| {
                    let rule = registry.iter().find(|r| r.meta().code.eq_ignore_ascii_case(c) || r.meta().name == c.as_str());
                    !**u && rule.is_none_or(|r| ran.contains(&r.meta().code))
                })
                .map(|(c, _)| c)
                .collect();
            if unused.is_empty() {
                continue;
            }
            let unknown: Vec<&str> = unused
                .iter()
                .filter(|c| !registry.iter().any(|r| r.meta().code.eq_ignore_ascii_case(c) || r.meta().name == c.as_str()))
                .map(|c| c.as_str())
                .collect();
            let what = unused.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
            let mut msg = format!("this `authfix-ignore` suppresses nothing for {what}: no such finding on this line or the next");
            if !unknown.is_empty() {
                msg.push_str(&format!(" ({} is not an authfix rule)", unknown.join(", ")));
            }
            let fix = if unused.len() == dir.codes.len() {
                Fix::new(Applicability::Safe, "Delete the unused `authfix-ignore` comment", vec![Change::edit(file, delete_directive(text, &dir))])
            } else {
                let keep: Vec<&str> = dir.codes.iter().filter(|c| !unused.contains(c)).map(|c| c.as_str()).collect();
                Fix::new(
                    Applicability::Safe,
                    format!("Remove {what} from the `authfix-ignore` list"),
                    vec![Change::edit(file, Edit::replace(dir.list.0, dir.list.1, format!(" {}", keep.join(", "))))],
                )
            };
            kept.push(report(msg, fix));
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Choice, FixOptions};
    use crate::rule::Rule;

    fn project(files: &[(&str, &str)]) -> Project {
        let mut p = Project::new(crate::ProjectFacts { auth_major: Some(4), ..Default::default() });
        for (f, t) in files {
            p.set_file(*f, *t);
        }
        p
    }

    fn codes(p: &Project) -> Vec<&'static str> {
        let rules: Vec<&dyn Rule> = crate::rules::all();
        engine::check(p, &rules).into_iter().map(|d| d.code).collect()
    }

    fn codes_with(p: &Project, only: &[&str]) -> Vec<&'static str> {
        let rules: Vec<&dyn Rule> = crate::rules::all().into_iter().filter(|r| only.contains(&r.meta().code)).collect();
        engine::check(p, &rules).into_iter().map(|d| d.code).collect()
    }

    const GATED: &str = "export const authOptions = {\n  providers: [],\n  useSecureCookies: process.env.NODE_ENV === \"production\",\n};\n";

    #[test]
    fn line_above_and_same_line_suppress() {
        let above = GATED.replace("  useSecureCookies", "  // authfix-ignore C001: TLS ends at our proxy\n  useSecureCookies");
        assert_eq!(codes(&project(&[("lib/auth.ts", &above)])), Vec::<&str>::new());
        let same = GATED.replace("\"production\",", "\"production\", // authfix-ignore secure-cookies-node-env");
        assert_eq!(codes(&project(&[("lib/auth.ts", &same)])), Vec::<&str>::new());
    }

    #[test]
    fn other_codes_do_not_suppress_and_unused_ones_are_reported() {
        let wrong = GATED.replace("  useSecureCookies", "  // authfix-ignore S001: not this one\n  useSecureCookies");
        assert_eq!(codes(&project(&[("lib/auth.ts", &wrong)])), vec!["A001", "C001"]);
        let stale = "// authfix-ignore C001: old\nexport const authOptions = { providers: [] };\n";
        assert_eq!(codes(&project(&[("lib/auth.ts", stale)])), vec!["A001"]);
        // A string that mentions the marker is not a comment.
        let s = "export const x = \"authfix-ignore C001\";\n";
        assert_eq!(codes(&project(&[("lib/x.ts", s)])), Vec::<&str>::new());
    }

    #[test]
    fn judged_only_for_rules_that_ran() {
        let used = GATED.replace("  useSecureCookies", "  // authfix-ignore C001: TLS ends at our proxy\n  useSecureCookies");
        let p = project(&[("lib/auth.ts", &used)]);
        // C001 did not run: its suppression is neither used nor unused.
        assert_eq!(codes_with(&p, &["S001", "A001"]), Vec::<&str>::new());
        // A blanket suppression is judged only when every rule ran.
        let blanket = "// authfix-ignore\nexport const authOptions = { providers: [] };\n";
        let p = project(&[("lib/auth.ts", blanket)]);
        assert_eq!(codes_with(&p, &["S001", "A001"]), Vec::<&str>::new());
        assert_eq!(codes(&p), vec!["A001"]);
        // Without A001 selected, suppressions still apply and nothing is reported about them.
        let p = project(&[("lib/auth.ts", "// authfix-ignore C001: old\nexport const a = 1;\n")]);
        assert_eq!(codes_with(&p, &["C001"]), Vec::<&str>::new());
        // A code that names no rule is always unused.
        let p = project(&[("lib/auth.ts", "// authfix-ignore C0001: typo\nexport const a = 1;\n")]);
        let d = engine::check(&p, &[&UnusedSuppression]);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("C0001 is not an authfix rule"), "{}", d[0].message);
    }

    #[test]
    fn the_span_covers_the_whole_comment() {
        let text = "export const a = 1; // authfix-ignore C001: old\n";
        let d = &directives(text, false)[0];
        assert_eq!(&text[d.start..d.end], "// authfix-ignore C001: old");
        let text = "  <div>{/* authfix-ignore P001: x */}</div>\n";
        let d = &directives(text, false)[0];
        assert_eq!(&text[d.start..d.end], "{/* authfix-ignore P001: x */}");
        let text = "AUTH_SECRET=x # authfix-ignore E008\n";
        let d = &directives(text, true)[0];
        assert_eq!(&text[d.start..d.end], "# authfix-ignore E008");
        assert!(directives("class A { #authfix = 1 } // x\nconst s = '#authfix-ignore C001';\n", false).is_empty());
        let text = "# authfix-ignore E002: generated\n.env\n";
        let d = &directives(text, true)[0];
        assert_eq!((d.start, &text[d.start..d.end]), (0, "# authfix-ignore E002: generated"));
    }

    fn fixed(files: &[(&str, &str)]) -> String {
        let p = project(files);
        let rules: Vec<&dyn Rule> = crate::rules::all();
        let (_, p) = engine::run(p, &rules, &FixOptions::default(), Choice::All);
        p.text(files[0].0).unwrap().to_string()
    }

    #[test]
    fn the_fix_deletes_the_comment_or_the_unused_codes() {
        assert_eq!(fixed(&[("lib/a.ts", "// authfix-ignore C001: old\nexport const a = 1;\n")]), "export const a = 1;\n");
        assert_eq!(fixed(&[("lib/a.ts", "export const a = 1; // authfix-ignore C001: old\n")]), "export const a = 1;\n");
        assert_eq!(
            fixed(&[("lib/a.ts", "export const a = 1; // authfix-ignore C001: old\r\nexport const b = 2;\r\n")]),
            "export const a = 1;\r\nexport const b = 2;\r\n"
        );
        let jsx = "export default function P() {\n  return (\n    <div>\n      {/* authfix-ignore P001: old */}\n      <p />\n    </div>\n  );\n}\n";
        assert_eq!(fixed(&[("app/page.tsx", jsx)]), jsx.replace("      {/* authfix-ignore P001: old */}\n", ""));
        let two = GATED.replace("  useSecureCookies", "  // authfix-ignore C001, S001: TLS ends at our proxy\n  useSecureCookies");
        let p = project(&[("lib/auth.ts", &two)]);
        let rules: Vec<&dyn Rule> = vec![&UnusedSuppression, crate::rules::find("C001").unwrap(), crate::rules::find("S001").unwrap()];
        let (_, p) = engine::run(p, &rules, &FixOptions::default(), Choice::All);
        assert!(p.text("lib/auth.ts").unwrap().contains("// authfix-ignore C001: TLS ends at our proxy\n"), "{}", p.text("lib/auth.ts").unwrap());
    }

    #[test]
    fn a_readme_that_shows_the_syntax_is_neither_judged_nor_edited() {
        // A README (the app's or the workspace's) documenting suppressions, with an env template.
        let readme = "# Setup\n\n```ts\n// authfix-ignore C001: TLS ends at our proxy\n```\n\n```env\nAUTH_SECRET= # authfix-ignore E008\n```\n";
        let files = [("lib/a.ts", "export const a = 1;\n"), ("README.md", readme), ("../../Readme.md", readme)];
        assert_eq!(codes(&project(&files)), Vec::<&str>::new());
        assert_eq!(fixed(&[("README.md", readme), ("lib/a.ts", "export const a = 1;\n")]), readme);
        // The same comment in a workflow is judged, with `#`; in a tsconfig, with `//` only.
        let wf = "on: push\n# authfix-ignore E003: old\njobs: {}\n";
        assert_eq!(codes(&project(&[("lib/a.ts", "export const a = 1;\n"), (".github/workflows/ci.yml", wf)])), vec!["A001"]);
        assert_eq!((comment_syntax("tsconfig.json"), comment_syntax("apps/web/.env.example")), (Some(Comments::Slashes), Some(Comments::Hash)));
    }
}
