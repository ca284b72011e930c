//! The real-shapes suite (`tests/real_shapes/<name>.txt`): small multi-file projects written from
//! the structure of real public Next.js + Auth.js apps (issue 11's field survey), each with the
//! findings a careful reviewer expects from **all rules together**.
//!
//! A case is a fixture (format in `common/mod.rs`) with three more headers:
//! - `# shape: …` — one line: the real-world shape the project stands for (required);
//! - `# expect: CODE severity path:line` — one line per expected finding, or `# expect: none`
//!   for a project that must stay silent (required; the comparison is an exact multiset);
//! - `# known-gap: …` — the issue-11 item that will fix it, on projects where today's tool does
//!   not give exactly the expected findings. Such a case passes only while the result **still
//!   differs** (a strict xfail): once it matches, the case fails and asks for the marker's removal.
//!
//! Every case also checks that every file parses (a fixture that does not is a broken fixture).
//! A case without a gap whose findings carry fixes is fixed with every fix (`--unsafe` included):
//! the fixed sources must parse, the loop must converge, and a second run must change nothing.
//!
//! `REAL_SHAPES_SHOW=1` prints how each known-gap case still differs.
//!
//! One test per file (datatest-stable, `harness = false`): a failing case does not hide the
//! others, and `cargo test -p authfix-transforms --test real_shapes -- <name>` runs one alone.
mod common;

use authfix_transforms::engine::{self, Choice, FixOptions};
use authfix_transforms::{edit, parse, rules, Project};
use std::path::Path;

/// One finding as the suite compares it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    file: String,
    line: usize,
    code: String,
    severity: String,
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}:{}", self.code, self.severity, self.file, self.line)
    }
}

fn parse_expect(v: &str) -> Result<Key, String> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    let [code, severity, loc] = parts.as_slice() else {
        return Err(format!("`# expect: {v}`: want `CODE severity path:line`"));
    };
    let ok_code = code.len() == 4 && code.as_bytes()[0].is_ascii_uppercase() && code[1..].bytes().all(|b| b.is_ascii_digit());
    if !ok_code {
        return Err(format!("`# expect: {v}`: `{code}` is not a rule code"));
    }
    if *severity != "error" && *severity != "warning" {
        return Err(format!("`# expect: {v}`: severity must be `error` or `warning`"));
    }
    let (file, line) = loc.rsplit_once(':').ok_or_else(|| format!("`# expect: {v}`: want `path:line`"))?;
    let line = line.parse().map_err(|_| format!("`# expect: {v}`: `{line}` is not a line number"))?;
    Ok(Key { file: file.to_string(), line, code: code.to_string(), severity: severity.to_string() })
}

fn expected(f: &common::Fixture) -> Result<Vec<Key>, String> {
    let lines = f.all("expect");
    if lines.is_empty() {
        return Err("no `# expect:` header (write `# expect: none` for a project that must stay silent)".into());
    }
    if lines.contains(&"none") {
        return if lines.len() == 1 { Ok(Vec::new()) } else { Err("`# expect: none` beside other `# expect:` lines".into()) };
    }
    let mut v = lines.into_iter().map(parse_expect).collect::<Result<Vec<_>, _>>()?;
    v.sort();
    Ok(v)
}

fn actual(project: &Project) -> Vec<Key> {
    let all = rules::all();
    let mut v: Vec<Key> = engine::findings(project, &all)
        .findings
        .iter()
        .map(|x| {
            let d = &x.diagnostic;
            let line = edit::line_col(project.text(&d.file).unwrap_or(""), d.start).0;
            Key { file: d.file.clone(), line, code: d.code.to_string(), severity: d.severity.as_str().to_string() }
        })
        .collect();
    v.sort();
    v
}

/// Both sides and what differs, for the failure message.
fn describe(expected: &[Key], actual: &[Key]) -> String {
    let mut missing = expected.to_vec();
    let mut extra = Vec::new();
    for a in actual {
        match missing.iter().position(|e| e == a) {
            Some(i) => {
                missing.remove(i);
            }
            None => extra.push(a.clone()),
        }
    }
    let show = |v: &[Key]| if v.is_empty() { "  (none)\n".to_string() } else { v.iter().map(|k| format!("  {k}\n")).collect() };
    format!(
        "expected:\n{}actual:\n{}missing (expected, not reported):\n{}unexpected (reported, not expected):\n{}",
        show(expected),
        show(actual),
        show(&missing),
        show(&extra)
    )
}

/// Every source file of the fixture parses: the shapes are correct-syntax code.
fn all_parse(f: &common::Fixture) -> Result<(), String> {
    for (path, text) in &f.files {
        if parse::is_source_path(path) {
            parse::parse(path, text).map_err(|e| format!("fixture file {path} does not parse: {e:?}"))?;
        }
    }
    Ok(())
}

/// Fix everything fixable (unsafe fixes too): converges, parses, and a second run is a no-op.
fn check_fixes(project: Project) -> Result<(), String> {
    let opts = FixOptions { unsafe_fixes: true };
    let (outcome, fixed) = engine::run(project, &rules::all(), &opts, Choice::All);
    if !outcome.converged {
        return Err("fixes did not converge".into());
    }
    if let Some(d) = outcome.dropped.first() {
        return Err(format!("a fix was dropped: {} in {}: {}", d.code, d.file, d.reason));
    }
    for (path, fr) in &outcome.changed {
        if parse::is_source_path(path) {
            parse::parse(path, &fr.new).map_err(|e| format!("fixed {path} does not parse: {e:?}\n{}", fr.new))?;
        }
    }
    let (again, _) = engine::run(fixed, &rules::all(), &opts, Choice::All);
    if !again.changed.is_empty() || !again.deleted.is_empty() {
        let files: Vec<&String> = again.changed.keys().chain(again.deleted.keys()).collect();
        return Err(format!("a second run changed {files:?}"));
    }
    Ok(())
}

fn real_shape(path: &Path, text: String) -> datatest_stable::Result<()> {
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?").to_string();
    let f = common::load(&text, &["shape", "expect", "known-gap"]);
    // The harness prints the error with `{:?}`: the readable report goes to stderr.
    let fail = |msg: String| -> datatest_stable::Result<()> {
        eprintln!("{name}: {msg}");
        Err(format!("{name}: {}", msg.lines().next().unwrap_or("")).into())
    };
    if f.one("shape").is_none_or(|s| s.is_empty()) {
        return fail("no `# shape:` header".into());
    }
    let want = match expected(&f) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    if let Err(e) = all_parse(&f) {
        return fail(e);
    }
    let project = common::project(&f, false);
    let got = actual(&project);
    match f.one("known-gap") {
        Some(gap) => {
            if gap.is_empty() {
                return fail("`# known-gap:` names no issue-11 item".into());
            }
            if got == want {
                return fail(format!("the tool now gives exactly the expected findings: remove `# known-gap: {gap}`\n{}", describe(&want, &got)));
            }
            if std::env::var_os("REAL_SHAPES_SHOW").is_some() {
                eprintln!("{name} (known gap: {gap})\n{}", describe(&want, &got));
            }
            Ok(())
        }
        None => {
            if got != want {
                return fail(format!("findings differ from the expectation\n{}", describe(&want, &got)));
            }
            let fixable = engine::findings(&project, &rules::all()).findings.iter().any(|x| x.diagnostic.fix.is_some());
            if fixable {
                if let Err(e) = check_fixes(common::project(&f, false)) {
                    return fail(e);
                }
            }
            Ok(())
        }
    }
}

datatest_stable::harness! {
    { test = real_shape, root = "tests/real_shapes", pattern = r"^.*\.txt$" },
}
