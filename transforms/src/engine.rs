//! The fix loop: collect diagnostics from every rule, apply the fixes that do not conflict,
//! re-parse what changed, and repeat until nothing is left to apply (bounded). Applying every fix
//! at once gives the same result as applying them one by one, because each pass sees the text
//! the previous pass wrote.
//!
//! The engine plans; the caller chooses and applies. [`run`] with [`Choice::All`] is the plan: every
//! fix it applied is listed in [`Outcome::applied`] with its own preview, so an interactive
//! front end can ask about each one and then call [`run`] again with [`Choice::Only`] the
//! accepted ones — on the same project, never a rebuilt one (a rebuilt project would carry a
//! different fresh secret).
//!
//! Nothing that does not parse is ever kept: each fix is validated alone before it is accepted,
//! every file a pass changes is re-parsed after the pass's fixes are combined (when a
//! combination fails, that file's fixes are applied one at a time over the next passes, as ruff
//! does), and the final texts are checked once more before they are handed out.
use crate::edit::{self, Edit};
use crate::parse::{self, ParseError, Parsed};
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule};
use crate::style::Style;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

pub const MAX_PASSES: usize = 10;

#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    pub unsafe_fixes: bool,
}

/// Identifies a finding across passes: its file, its code, and the text it points at.
pub type FixKey = (String, &'static str, String);

/// Which of the applicable fixes [`run`] applies.
#[derive(Clone, Copy, Debug)]
pub enum Choice<'a> {
    /// Every applicable fix (the plan, and `fix --yes`).
    All,
    /// Only the fixes of these findings (what an interactive review accepted).
    Only(&'a HashSet<FixKey>),
}

/// One file as a fix would leave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub file: String,
    pub old: Option<String>,
    pub new: String,
    /// The fix deletes this file (`new` is empty).
    pub deleted: bool,
}

/// A fix the run applied, with the files as it left them (against the text of its pass).
#[derive(Clone, Debug)]
pub struct AppliedFix {
    pub key: FixKey,
    pub diagnostic: Diagnostic,
    pub previews: Vec<Preview>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Fixed,
    /// `check` only: a fix is available (`authfix fix` applies it).
    Fixable,
    /// The rule offers no automatic fix (see the diagnostic's note).
    NoFix,
    /// The fix is unsafe and `--unsafe` was not given.
    NeedsUnsafe,
    /// The fix is a suggestion only: shown, never applied.
    DisplayOnly,
    /// The user declined it.
    Skipped,
    /// The fix's output did not parse, so it was not applied.
    Dropped(String),
    /// Still reported after fixing (a fix could not be applied).
    Remaining,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub status: Status,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileResult {
    /// `None` for a file the fixes create.
    pub original: Option<String>,
    pub new: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroppedFix {
    pub code: &'static str,
    pub file: String,
    pub title: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Files changed or created, by path; everything else is untouched.
    pub changed: BTreeMap<String, FileResult>,
    /// Files the fixes delete (moved elsewhere), with their original text.
    pub deleted: BTreeMap<String, String>,
    /// Every fix applied, in the order applied.
    pub applied: Vec<AppliedFix>,
    pub dropped: Vec<DroppedFix>,
    /// Files that did not parse (skipped by every rule).
    pub unparsable: Vec<(String, ParseError)>,
    /// False when fixes were still being applied after [`MAX_PASSES`] (a bug worth reporting).
    pub converged: bool,
    /// Values that must never be shown: the project's secrets and the fresh secret a fix may
    /// write. Every output of this outcome is masked with them.
    pub secrets: Vec<String>,
}

/// All diagnostics of all rules, suppressions applied, sorted by file and position.
pub fn check(project: &Project, rules: &[&dyn Rule]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in rules {
        r.check(project, &mut out);
    }
    let ran: Vec<&'static str> = rules.iter().map(|r| r.meta().code).collect();
    let mut out = crate::suppress::apply(project, out, &ran);
    out.sort_by(|a, b| (&a.file, a.start, a.code).cmp(&(&b.file, b.start, b.code)));
    out.dedup_by(|a, b| a.file == b.file && a.start == b.start && a.code == b.code && a.message == b.message);
    out
}

fn status_without_fixing(d: &Diagnostic, opts: &FixOptions) -> Status {
    match &d.fix {
        None => Status::NoFix,
        Some(f) => match f.applicability {
            Applicability::Safe => Status::Fixable,
            Applicability::Unsafe if opts.unsafe_fixes => Status::Fixable,
            Applicability::Unsafe => Status::NeedsUnsafe,
            Applicability::DisplayOnly => Status::DisplayOnly,
        },
    }
}

/// Findings without fixing (`authfix check`): each marked fixable, unsafe-fixable or not.
pub fn findings(project: &Project, rules: &[&dyn Rule]) -> Outcome {
    let opts = FixOptions::default();
    let findings = check(project, rules).into_iter().map(|d| Finding { status: status_without_fixing(&d, &opts), diagnostic: d }).collect();
    Outcome { findings, unparsable: project.parse_failures(), converged: true, secrets: crate::secrets::collect(project), ..Default::default() }
}

fn key(project: &Project, d: &Diagnostic) -> FixKey {
    let snippet = project.text(&d.file).and_then(|t| t.get(d.start..d.end)).unwrap_or("").to_string();
    (d.file.clone(), d.code, snippet)
}

/// Apply a fix's changes to the current texts of the files it touches.
fn apply_fix(project: &Project, fix: &Fix) -> Result<Vec<Preview>, String> {
    apply_changes(project, &fix.changes)
}

fn apply_changes(project: &Project, changes: &[Change]) -> Result<Vec<Preview>, String> {
    let mut by_file: BTreeMap<&str, (Vec<Edit>, Option<&str>)> = BTreeMap::new();
    let mut deletes: Vec<&str> = Vec::new();
    for c in changes {
        match c {
            Change::Delete { file } => {
                if !project.exists(file) {
                    return Err(format!("{file} does not exist"));
                }
                if !deletes.contains(&file.as_str()) {
                    deletes.push(file);
                }
            }
            Change::Edit { file, edit } => by_file.entry(file).or_default().0.push(edit.clone()),
            Change::Create { file, content } => {
                if project.exists(file) {
                    return Err(format!("{file} already exists"));
                }
                let slot = &mut by_file.entry(file).or_default().1;
                if slot.is_some_and(|c| c != content) {
                    return Err(format!("two different files would be created at {file}"));
                }
                *slot = Some(content);
            }
        }
    }
    let style = project.project_style();
    let mut out = Vec::new();
    for file in deletes {
        if by_file.contains_key(file) {
            return Err(format!("the fix both edits and deletes {file}"));
        }
        out.push(Preview { file: file.into(), old: project.text(file).map(String::from), new: String::new(), deleted: true });
    }
    for (file, (edits, create)) in by_file {
        if let Some(content) = create {
            if !edits.is_empty() {
                return Err(format!("the fix both creates and edits {file}"));
            }
            // A moved file brings its own line endings; new code follows the project's.
            let eol = if content.contains("\r\n") { "\r\n" } else { style.eol() };
            out.push(Preview { file: file.into(), old: None, new: edit::convert_eol(content, eol), deleted: false });
            continue;
        }
        let Some(old) = project.text(file) else {
            return Err(format!("{file} does not exist"));
        };
        for e in &edits {
            if e.start > e.end || e.end > old.len() || !old.is_char_boundary(e.start) || !old.is_char_boundary(e.end) {
                return Err(format!("edit out of range in {file}"));
            }
        }
        for (i, a) in edits.iter().enumerate() {
            if edits[i + 1..].iter().any(|b| a.conflicts(b)) {
                return Err(format!("the fix's own edits overlap in {file}"));
            }
        }
        let eol = Style::eol_of(old);
        out.push(Preview { file: file.into(), old: Some(old.to_string()), new: edit::apply(old, &edits, eol), deleted: false });
    }
    Ok(out)
}

/// Whether a file's new text is well-formed: source files parse, JSON files (`package.json`…)
/// are JSON. `Err` says where it breaks.
pub fn validate(file: &str, text: &str) -> Result<(), String> {
    if parse::is_source_path(file) || file.ends_with(".d.ts") {
        return parse::parse(file, text).map(|_| ()).map_err(|e| {
            let (line, col) = edit::line_col(text, e.offset);
            format!("{} at {line}:{col}", e.message)
        });
    }
    if file.ends_with(".json") && !file.ends_with("tsconfig.json") && !file.ends_with("jsconfig.json") {
        return serde_json::from_str::<serde_json::Value>(text).map(|_| ()).map_err(|e| format!("not JSON: {e}"));
    }
    Ok(())
}

/// The parses one run made to validate texts, by file and exact text: a fix's output is parsed
/// once though it is checked alone, again combined with its pass, and once more before it is handed
/// out, and the rules' next pass reads the same parse ([`Project::adopt_parse`]).
#[derive(Default)]
struct Validated(HashMap<String, Vec<(String, ParseResult)>>);

type ParseResult = Rc<Result<Parsed, ParseError>>;

impl Validated {
    /// [`validate`], remembering the parse of a source file.
    fn check(&mut self, file: &str, text: &str) -> Result<(), String> {
        if !parse::is_source_path(file) {
            return validate(file, text);
        }
        let r = self.parse(file, text);
        match &*r {
            Ok(_) => Ok(()),
            Err(e) => {
                let (line, col) = edit::line_col(text, e.offset);
                Err(format!("{} at {line}:{col}", e.message))
            }
        }
    }

    fn parse(&mut self, file: &str, text: &str) -> ParseResult {
        let list = self.0.entry(file.to_string()).or_default();
        if let Some((_, r)) = list.iter().find(|(t, _)| t == text) {
            return r.clone();
        }
        let r = Rc::new(parse::parse(file, text));
        list.push((text.to_string(), r.clone()));
        r
    }

    /// The parse of `text` made here, if any.
    fn get(&self, file: &str, text: &str) -> Option<ParseResult> {
        self.0.get(file)?.iter().find(|(t, _)| t == text).map(|(_, r)| r.clone())
    }

    /// The first preview whose text is not well-formed, with the reason.
    fn first_invalid(&mut self, previews: &[Preview]) -> Option<(String, String)> {
        previews.iter().filter(|p| !p.deleted).find_map(|p| self.check(&p.file, &p.new).err().map(|e| (p.file.clone(), e)))
    }
}

/// What a fix would do to the files, without applying it.
pub fn preview(project: &Project, fix: &Fix) -> Result<Vec<Preview>, String> {
    apply_fix(project, fix)
}

fn conflicts(a: &Change, b: &Change) -> bool {
    if a == b || a.file() != b.file() {
        return false;
    }
    match (a, b) {
        (Change::Edit { edit: x, .. }, Change::Edit { edit: y, .. }) => x.conflicts(y),
        _ => true,
    }
}

fn applies(fix: &Fix, opts: &FixOptions) -> bool {
    match fix.applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => opts.unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

/// A fix accepted into a pass, validated alone against the pass's text.
struct Candidate {
    key: FixKey,
    diagnostic: Diagnostic,
    changes: Vec<Change>,
    previews: Vec<Preview>,
}

/// Run the fix loop on `project`, applying the fixes `choice` allows. Returns the outcome and the
/// project as the fixes left it.
pub fn run(mut project: Project, rules: &[&dyn Rule], opts: &FixOptions, choice: Choice) -> (Outcome, Project) {
    // The original text of each file a fix touches, taken just before its first change.
    let mut originals: HashMap<String, Option<String>> = HashMap::new();
    let mut outcome = Outcome { secrets: crate::secrets::collect(&project), ..Default::default() };
    let first = check(&project, rules);
    let mut declined: HashSet<FixKey> = HashSet::new();
    let mut dropped_keys: HashMap<FixKey, String> = HashMap::new();
    let mut current = first.clone();
    let mut converged = false;
    let mut validated = Validated::default();
    for _pass in 0..MAX_PASSES {
        let mut accepted: Vec<Change> = Vec::new();
        let mut cands: Vec<Candidate> = Vec::new();
        for d in &current {
            let Some(fix) = &d.fix else { continue };
            if !applies(fix, opts) {
                continue;
            }
            let k = key(&project, d);
            if declined.contains(&k) || dropped_keys.contains_key(&k) {
                continue;
            }
            if let Choice::Only(chosen) = choice {
                if !chosen.contains(&k) {
                    declined.insert(k);
                    continue;
                }
            }
            if fix.changes.iter().all(|c| accepted.contains(c)) {
                continue; // the same change is already being made for another finding
            }
            if fix.changes.iter().any(|c| accepted.iter().any(|a| conflicts(a, c))) {
                continue; // next pass, on the text this pass writes
            }
            // A workspace package's file is shared with other apps: never edited from this one.
            if let Some(c) = fix.changes.iter().find(|c| project.is_library(c.file())) {
                let reason = format!("{} belongs to a workspace package, not to this app", c.file());
                outcome.dropped.push(DroppedFix { code: d.code, file: d.file.clone(), title: fix.title.clone(), reason: reason.clone() });
                dropped_keys.insert(k, reason);
                continue;
            }
            // Validate this fix on its own: it must apply and its output must parse.
            let previews = match apply_fix(&project, fix).and_then(|p| match validated.first_invalid(&p) {
                Some((file, err)) => Err(format!("the fixed {file} would not parse ({err})")),
                None => Ok(p),
            }) {
                Ok(p) => p,
                Err(reason) => {
                    outcome.dropped.push(DroppedFix { code: d.code, file: d.file.clone(), title: fix.title.clone(), reason: reason.clone() });
                    dropped_keys.insert(k, reason);
                    continue;
                }
            };
            accepted.extend(fix.changes.iter().filter(|c| !accepted.contains(c)).cloned().collect::<Vec<_>>());
            cands.push(Candidate { key: k, diagnostic: d.clone(), changes: fix.changes.clone(), previews });
        }
        if cands.is_empty() {
            converged = true;
            break;
        }
        commit_pass(&mut project, cands, &mut outcome, &mut originals, &mut validated);
        current = check(&project, rules);
    }
    outcome.converged = converged;
    outcome.unparsable = project.parse_failures();

    // Findings: the first pass's diagnostics, each marked fixed when it is gone at the end.
    let mut remaining: HashMap<FixKey, usize> = HashMap::new();
    for d in &current {
        *remaining.entry(key(&project, d)).or_default() += 1;
    }
    for d in first {
        let k = match originals.get(&d.file) {
            Some(Some(orig)) => (d.file.clone(), d.code, orig.get(d.start..d.end).unwrap_or("").to_string()),
            _ => key(&project, &d),
        };
        let still = remaining.get_mut(&k).filter(|n| **n > 0);
        let status = match still {
            None => Status::Fixed,
            Some(n) => {
                *n -= 1;
                if let Some(reason) = dropped_keys.get(&k) {
                    Status::Dropped(reason.clone())
                } else if declined.contains(&k) {
                    Status::Skipped
                } else {
                    match status_without_fixing(&d, opts) {
                        Status::Fixable => Status::Remaining,
                        s => s,
                    }
                }
            }
        };
        outcome.findings.push(Finding { diagnostic: d, status });
    }

    for (path, old) in &originals {
        match (old, project.text(path)) {
            (Some(old), None) => {
                outcome.deleted.insert(path.clone(), old.clone());
            }
            (Some(old), Some(new)) if old == new => {}
            (old, Some(new)) => {
                outcome.changed.insert(path.clone(), FileResult { original: old.clone(), new: new.to_string() });
            }
            (None, None) => {}
        }
    }
    // The last check before anything is handed out to be written. Every pass already validated
    // what it committed, so this only fires on an engine bug; then nothing of this app is written.
    if let Some((file, err)) = outcome.changed.iter().find_map(|(f, r)| validated.check(f, &r.new).err().map(|e| (f.clone(), e))) {
        outcome.dropped.push(DroppedFix {
            code: "",
            file: file.clone(),
            title: "every fix in this app".into(),
            reason: format!("the fixed {file} would not parse ({err}); nothing written (please report this)"),
        });
        outcome.changed.clear();
        outcome.deleted.clear();
        outcome.applied.clear();
        for f in &mut outcome.findings {
            if f.status == Status::Fixed {
                f.status = Status::Remaining;
            }
        }
    }
    // A fix may write a secret the project did not hold before (E001's fresh one is collected
    // already; this catches any other value a fix writes under a secret key).
    let mut fresh = Project::new(Default::default());
    for (path, r) in &outcome.changed {
        fresh.set_file(path.clone(), r.new.as_str());
    }
    for s in crate::secrets::collect(&fresh) {
        if !outcome.secrets.contains(&s) {
            outcome.secrets.push(s);
        }
    }
    outcome.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    (outcome, project)
}

/// Commit one pass. The candidates were each validated alone; combined, a file could still fail
/// to parse. Then the pass keeps every fix that touches no failing file, plus the first fix of
/// each failing file, and tries again (the set shrinks, and one candidate alone always parses):
/// the fixes left out come back on the next pass, against the new text.
fn commit_pass(
    project: &mut Project,
    mut cands: Vec<Candidate>,
    outcome: &mut Outcome,
    originals: &mut HashMap<String, Option<String>>,
    validated: &mut Validated,
) {
    loop {
        let changes: Vec<Change> = cands.iter().flat_map(|c| c.changes.iter().cloned()).fold(Vec::new(), |mut acc, c| {
            if !acc.contains(&c) {
                acc.push(c);
            }
            acc
        });
        let bad: Vec<String> = match apply_changes(project, &changes) {
            Ok(previews) => {
                let bad: Vec<String> = previews.iter().filter(|p| !p.deleted && validated.check(&p.file, &p.new).is_err()).map(|p| p.file.clone()).collect();
                if bad.is_empty() {
                    for p in previews {
                        originals.entry(p.file.clone()).or_insert_with(|| project.text(&p.file).map(String::from));
                        if p.deleted {
                            project.remove_file(&p.file);
                        } else {
                            let parsed = validated.get(&p.file, &p.new);
                            project.set_file(p.file.clone(), p.new);
                            if let Some(parsed) = parsed {
                                project.adopt_parse(&p.file, parsed);
                            }
                        }
                    }
                    outcome.applied.extend(cands.into_iter().map(|c| AppliedFix { key: c.key, diagnostic: c.diagnostic, previews: c.previews }));
                    return;
                }
                bad
            }
            // Should not happen (conflicts were excluded); fall back the same way on every file.
            Err(_) => cands.iter().flat_map(|c| c.changes.iter().map(|x| x.file().to_string())).collect(),
        };
        if cands.len() == 1 {
            return; // cannot happen: a lone candidate was validated as it stands
        }
        let mut keep: Vec<Candidate> = Vec::new();
        let mut first_of_bad: HashSet<String> = HashSet::new();
        for c in cands {
            let touched: Vec<&str> = c.changes.iter().map(|x| x.file()).filter(|f| bad.iter().any(|b| b == f)).collect();
            if touched.is_empty() || touched.iter().all(|f| first_of_bad.insert(f.to_string())) {
                keep.push(c);
            }
        }
        cands = keep;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{FixAvailability, RuleMeta, Severity};

    static META_AWAIT: RuleMeta = RuleMeta {
        code: "T001",
        name: "test-add-await",
        fix: FixAvailability::Always,
        applicability: &[Applicability::Safe],
        severity: Severity::Error,
        summary: "",
        doc: "",
    };
    static META_ASYNC: RuleMeta = RuleMeta { code: "T002", name: "test-drop-async", ..META_AWAIT };

    /// Adds `await` before `g();` (valid in the async function).
    struct AddAwait;
    impl Rule for AddAwait {
        fn meta(&self) -> &'static RuleMeta {
            &META_AWAIT
        }
        fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
            let t = p.text("a.ts").unwrap();
            if let Some(i) = t.find("g();").filter(|&i| !t[..i].ends_with("await ")) {
                let fix = Fix::new(Applicability::Safe, "await g", vec![Change::edit("a.ts", Edit::insert(i, "await "))]);
                out.push(Diagnostic::new(&META_AWAIT, "a.ts", i, i + 3, "g is a promise").with_fix(fix));
            }
        }
    }
    /// Drops `async ` (valid while nothing awaits).
    struct DropAsync;
    impl Rule for DropAsync {
        fn meta(&self) -> &'static RuleMeta {
            &META_ASYNC
        }
        fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
            let t = p.text("a.ts").unwrap();
            if let Some(i) = t.find("async ") {
                let fix = Fix::new(Applicability::Safe, "drop async", vec![Change::edit("a.ts", Edit::delete(i, i + 6))]);
                out.push(Diagnostic::new(&META_ASYNC, "a.ts", i, i + 5, "not async").with_fix(fix));
            }
        }
    }

    fn project(text: &str) -> Project {
        let mut p = Project::new(Default::default());
        p.set_file("a.ts", text);
        p
    }

    #[test]
    fn a_combination_that_does_not_parse_is_never_committed() {
        // Each fix parses alone; together they put `await` in a function that is not async.
        let src = "export async function f() { g(); }\n";
        let rules: [&dyn Rule; 2] = [&AddAwait, &DropAsync];
        let (out, fixed) = run(project(src), &rules, &FixOptions::default(), Choice::All);
        for (path, r) in &out.changed {
            assert!(validate(path, &r.new).is_ok(), "{path} does not parse:\n{}", r.new);
        }
        // One of the two was applied first; the other, re-checked against the new text, could no
        // longer be applied and was dropped with its reason.
        let text = fixed.text("a.ts").unwrap();
        assert!(parse::parse("a.ts", text).is_ok(), "{text}");
        assert_eq!(out.applied.len(), 1, "{:?}", out.applied.iter().map(|a| a.diagnostic.code).collect::<Vec<_>>());
        assert_eq!(out.dropped.len(), 1, "{:?}", out.dropped);
        assert!(out.dropped[0].reason.contains("would not parse"), "{:?}", out.dropped);
        assert!(out.converged);
    }

    #[test]
    fn only_the_chosen_fixes_are_applied() {
        let src = "export async function f() { g(); }\n";
        let rules: [&dyn Rule; 1] = [&DropAsync];
        let (plan, _) = run(project(src), &rules, &FixOptions::default(), Choice::All);
        assert_eq!(plan.applied.len(), 1);
        let none = HashSet::new();
        let (out, p) = run(project(src), &rules, &FixOptions::default(), Choice::Only(&none));
        assert!(out.changed.is_empty() && out.applied.is_empty());
        assert_eq!(p.text("a.ts"), Some(src));
        assert_eq!(out.findings[0].status, Status::Skipped);
        let chosen: HashSet<FixKey> = plan.applied.iter().map(|a| a.key.clone()).collect();
        let (out, _) = run(project(src), &rules, &FixOptions::default(), Choice::Only(&chosen));
        assert_eq!(out.changed["a.ts"].new, "export function f() { g(); }\n");
        assert_eq!(out.findings[0].status, Status::Fixed);
    }

    #[test]
    fn json_files_must_stay_json() {
        assert!(validate("package.json", "{\"a\": 1}").is_ok());
        assert!(validate("package.json", "{\"a\": 1,}").is_err());
        assert!(validate("tsconfig.json", "{ // comments are fine here\n}").is_ok());
        assert!(validate(".env.local", "anything").is_ok());
    }
}
