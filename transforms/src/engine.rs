//! The fix loop: collect diagnostics from every rule, apply the fixes that do not conflict,
//! re-parse what changed (a fix whose output does not parse is dropped), and repeat until nothing
//! is left to apply (bounded). Applying every fix at once gives the same result as applying them
//! one by one, because each pass sees the text the previous pass wrote.
use crate::edit::{self, Edit};
use crate::parse::{self, ParseError};
use crate::project::Project;
use crate::rule::{Change, Diagnostic, Fix, Rule, Safety};
use crate::style::Style;
use std::collections::{BTreeMap, HashMap, HashSet};

pub const MAX_PASSES: usize = 10;

#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    pub unsafe_fixes: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Apply,
    Skip,
    Quit,
}

/// One file as a fix would leave it (for interactive review).
pub struct Preview {
    pub file: String,
    pub old: Option<String>,
    pub new: String,
    /// The fix deletes this file (`new` is empty).
    pub deleted: bool,
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
    pub dropped: Vec<DroppedFix>,
    /// Files that did not parse (skipped by every rule).
    pub unparsable: Vec<(String, ParseError)>,
    /// False when fixes were still being applied after [`MAX_PASSES`] (a bug worth reporting).
    pub converged: bool,
    /// The user quit an interactive review.
    pub quit: bool,
}

/// All diagnostics of all rules, sorted by file and position.
pub fn check(project: &Project, rules: &[&dyn Rule]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in rules {
        r.check(project, &mut out);
    }
    let mut out = crate::suppress::apply(project, out);
    out.sort_by(|a, b| (&a.file, a.start, a.code).cmp(&(&b.file, b.start, b.code)));
    out.dedup_by(|a, b| a.file == b.file && a.start == b.start && a.code == b.code && a.message == b.message);
    out
}

/// Findings without fixing (`authfix check`): each marked fixable, unsafe-fixable or not.
pub fn findings(project: &Project, rules: &[&dyn Rule]) -> Outcome {
    let findings = check(project, rules)
        .into_iter()
        .map(|d| {
            let status = match &d.fix {
                Some(f) if f.safety == Safety::Safe => Status::Fixable,
                Some(f) if f.safety == Safety::Unsafe => Status::NeedsUnsafe,
                _ => Status::NoFix,
            };
            Finding { diagnostic: d, status }
        })
        .collect();
    Outcome { findings, unparsable: project.parse_failures(), converged: true, ..Default::default() }
}

fn key(project: &Project, d: &Diagnostic) -> (String, &'static str, String) {
    let snippet = project.text(&d.file).and_then(|t| t.get(d.start..d.end)).unwrap_or("").to_string();
    (d.file.clone(), d.code, snippet)
}

/// Apply a fix's changes to the current texts of the files it touches.
fn apply_fix(project: &Project, fix: &Fix) -> Result<Vec<Preview>, String> {
    let mut by_file: BTreeMap<&str, (Vec<Edit>, Option<&str>)> = BTreeMap::new();
    let mut deletes: Vec<&str> = Vec::new();
    for c in &fix.changes {
        match c {
            Change::Delete { file } => {
                if !project.exists(file) {
                    return Err(format!("{file} does not exist"));
                }
                deletes.push(file);
            }
            Change::Edit { file, edit } => by_file.entry(file).or_default().0.push(edit.clone()),
            Change::Create { file, content } => {
                if project.exists(file) {
                    return Err(format!("{file} already exists"));
                }
                by_file.entry(file).or_default().1 = Some(content);
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
        let eol = Style::detect(old).eol();
        out.push(Preview { file: file.into(), old: Some(old.to_string()), new: edit::apply(old, &edits, eol), deleted: false });
    }
    Ok(out)
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

/// Run the fix loop. `decide` is asked before each fix is applied (the CLI's interactive mode);
/// pass `|_, _| Decision::Apply` to apply everything applicable.
pub fn run(mut project: Project, rules: &[&dyn Rule], opts: &FixOptions, decide: &mut dyn FnMut(&Diagnostic, &[Preview]) -> Decision) -> (Outcome, Project) {
    // The original text of each file a fix touches, taken just before its first change.
    let mut originals: HashMap<String, Option<String>> = HashMap::new();
    let mut outcome = Outcome::default();
    let first = check(&project, rules);
    let mut declined: HashSet<(String, &'static str, String)> = HashSet::new();
    let mut dropped_keys: HashMap<(String, &'static str, String), String> = HashMap::new();
    let mut current = first.clone();
    let mut converged = false;
    'passes: for _pass in 0..MAX_PASSES {
        let mut accepted: Vec<Change> = Vec::new();
        let mut applied_any = false;
        for d in &current {
            let Some(fix) = &d.fix else { continue };
            if fix.safety == Safety::Unsafe && !opts.unsafe_fixes || fix.safety == Safety::None {
                continue;
            }
            let k = key(&project, d);
            if declined.contains(&k) || dropped_keys.contains_key(&k) {
                continue;
            }
            if fix.changes.iter().all(|c| accepted.contains(c)) {
                continue; // the same change is already being made for another finding
            }
            if fix.changes.iter().any(|c| accepted.iter().any(|a| conflicts(a, c))) {
                continue; // next pass, on the text this pass writes
            }
            // Validate this fix on its own before asking: it must apply and its output must parse.
            let previews = match apply_fix(&project, fix) {
                Ok(p) => p,
                Err(reason) => {
                    outcome.dropped.push(DroppedFix { code: d.code, file: d.file.clone(), title: fix.title.clone(), reason: reason.clone() });
                    dropped_keys.insert(k, reason);
                    continue;
                }
            };
            if let Some((file, err)) = previews.iter().find_map(|p| {
                if p.deleted || !parse::is_source_path(&p.file) {
                    return None;
                }
                parse::parse(&p.file, &p.new).err().map(|e| (p.file.clone(), e))
            }) {
                let (line, col) = edit::line_col(&previews.iter().find(|p| p.file == file).unwrap().new, err.offset);
                let reason = format!("the fixed {file} would not parse ({} at {line}:{col})", err.message);
                outcome.dropped.push(DroppedFix { code: d.code, file: d.file.clone(), title: fix.title.clone(), reason: reason.clone() });
                dropped_keys.insert(k, reason);
                continue;
            }
            match decide(d, &previews) {
                Decision::Apply => {}
                Decision::Skip => {
                    declined.insert(k);
                    continue;
                }
                Decision::Quit => {
                    outcome.quit = true;
                    if !accepted.is_empty() {
                        commit(&mut project, &accepted, &mut outcome, &mut originals);
                    }
                    converged = true;
                    break 'passes;
                }
            }
            accepted.extend(fix.changes.iter().filter(|c| !accepted.contains(c)).cloned().collect::<Vec<_>>());
            applied_any = true;
        }
        if !applied_any {
            converged = true;
            break;
        }
        commit(&mut project, &accepted, &mut outcome, &mut originals);
        current = check(&project, rules);
    }
    outcome.converged = converged;
    outcome.unparsable = project.parse_failures();

    // Findings: the first pass's diagnostics, each marked fixed when it is gone at the end.
    // `current` already describes the final text unless the user quit mid-pass.
    let last = if outcome.quit { check(&project, rules) } else { current };
    let mut remaining: HashMap<(String, &'static str, String), usize> = HashMap::new();
    for d in &last {
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
                    match &d.fix {
                        None => Status::NoFix,
                        Some(f) if f.safety == Safety::Unsafe && !opts.unsafe_fixes => Status::NeedsUnsafe,
                        Some(_) => Status::Remaining,
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
    (outcome, project)
}

fn commit(project: &mut Project, changes: &[Change], outcome: &mut Outcome, originals: &mut HashMap<String, Option<String>>) {
    let fix = Fix::new(Safety::Safe, "", changes.to_vec());
    match apply_fix(project, &fix) {
        Ok(previews) => {
            for p in previews {
                originals.entry(p.file.clone()).or_insert_with(|| project.text(&p.file).map(String::from));
                if p.deleted {
                    project.remove_file(&p.file);
                } else {
                    project.set_file(p.file, p.new);
                }
            }
        }
        Err(reason) => outcome.dropped.push(DroppedFix { code: "", file: String::new(), title: "combined fixes".into(), reason }),
    }
}
