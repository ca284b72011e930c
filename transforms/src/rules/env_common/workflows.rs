//! GitHub workflows (`.github/workflows/*.yml`), read with a YAML 1.2 parser that keeps the span of
//! every node (saphyr's `MarkedYaml`): the jobs and their steps, and every scalar with the job and
//! step it belongs to and its byte range in the file, so a rule can point at text inside a `run:`
//! script. A line of a `run: |` script is script text, never a key. A file that does not parse as
//! YAML is skipped by every rule (no finding, no panic).
//!
//! saphyr was chosen over yaml-rust2 (its predecessor, same authors, no longer the maintained line)
//! and marked-yaml (built on yaml-rust2, keeps only start markers): it passes the YAML test suite,
//! gives start and end markers for every node, and bounds alias expansion and flow nesting.
use crate::project::Project;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar as YScalar, YamlData};
use std::ops::Range;
use std::sync::Arc;

/// Workflow files: the app's own `.github/workflows/` and the git root's (`../../.github/…`), sorted.
pub fn workflow_files(project: &Project) -> Vec<&str> {
    let mut v: Vec<&str> = project
        .data_files()
        .filter(|p| {
            let rest = p.trim_start_matches("../");
            rest.starts_with(".github/workflows/") && !rest[".github/workflows/".len()..].contains('/') && (p.ends_with(".yml") || p.ends_with(".yaml"))
        })
        .collect();
    v.sort();
    v
}

/// Every workflow of the project that parses (each parsed once, until it changes).
pub fn workflows(project: &Project) -> Vec<WorkflowRef> {
    workflow_files(project).into_iter().filter_map(|f| project.derived(f, |t| Workflow::parse(f, t.clone()))).filter(|w| w.is_some()).map(WorkflowRef).collect()
}

/// A cheap handle on a parsed workflow (shared with the project's cache).
pub struct WorkflowRef(Arc<Option<Workflow>>);

impl std::ops::Deref for WorkflowRef {
    type Target = Workflow;
    fn deref(&self) -> &Workflow {
        Option::as_ref(&self.0).expect("WorkflowRef holds only parsed workflows")
    }
}

/// Does some workflow set env variable `key` (see [`Workflow::settings`])?
pub fn sets(project: &Project, key: &str) -> bool {
    workflows(project).iter().any(|w| !w.settings(key).is_empty())
}

/// A scalar of the document (a key or a value).
#[derive(Clone, Debug)]
pub struct Scalar {
    /// Its bytes in the file: quotes included; for a block scalar (`|`, `>`) its content lines.
    pub range: Range<usize>,
    /// The value as YAML reads it (quotes removed, block scalars folded).
    pub value: String,
    pub is_key: bool,
    /// For a value in a mapping: its key and the key's range.
    pub key: Option<(String, Range<usize>)>,
    /// Index of the job it belongs to, and of the step within that job.
    pub job: Option<usize>,
    pub step: Option<usize>,
}

/// A job: its id, `name:`, whether it has an `environment:`, its byte range and its steps'.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    pub name: Option<String>,
    pub environment: bool,
    pub range: Range<usize>,
    pub steps: Vec<Range<usize>>,
}

/// Where a workflow sets an env variable.
#[derive(Clone, Debug)]
pub struct Setting {
    /// The variable name's bytes.
    pub key_range: Range<usize>,
    /// The value: a mapping value as YAML reads it; in a script, the rest of the line after `=`.
    pub value: String,
    /// `KEY=…` in a script rather than `KEY: …` in a mapping (`env:`).
    pub in_script: bool,
    pub job: Option<usize>,
}

pub struct Workflow {
    pub file: String,
    pub text: Arc<str>,
    pub jobs: Vec<Job>,
    /// Every scalar, in document order.
    pub scalars: Vec<Scalar>,
    /// [`Workflow::settings`] per key: several rules ask for the same keys, in every pass, for
    /// every app sharing the workflow.
    settings: std::sync::Mutex<std::collections::HashMap<String, Vec<Setting>>>,
}

/// Refuse input whose nesting could exhaust the parser's stack or its time: real workflows nest
/// a dozen levels (block nesting needs one indentation column or `- ` per level) and are a few
/// kilobytes.
const MAX_PREFIX: usize = 120;
const MAX_BYTES: usize = 256 << 10;

impl Workflow {
    /// Parse a workflow; `None` when it is not YAML (or absurdly nested or large).
    pub fn parse(file: &str, text: impl Into<Arc<str>>) -> Option<Workflow> {
        let text: Arc<str> = text.into();
        let owned = text.clone();
        let text: &str = &owned;
        if text.len() > MAX_BYTES || text.lines().any(|l| l.len() - l.trim_start_matches([' ', '\t', '-', '?', ':']).len() > MAX_PREFIX) {
            return None;
        }
        let docs = MarkedYaml::load_from_str(text).ok()?;
        let root = docs.into_iter().next()?;
        let offsets = Offsets::new(text);
        let mut w = Workflow { file: file.to_string(), text: owned.clone(), jobs: Vec::new(), scalars: Vec::new(), settings: Default::default() };
        if let YamlData::Mapping(m) = &root.data {
            for (k, v) in m {
                if scalar_text(k, text, &offsets).as_deref() != Some("jobs") {
                    continue;
                }
                let YamlData::Mapping(jobs) = &v.data else { continue };
                for (jk, jv) in jobs {
                    let Some(id) = scalar_text(jk, text, &offsets) else { continue };
                    let start = offsets.byte(jk.span.start.index());
                    let end = trim_end(text, offsets.byte(jv.span.end.index()));
                    let mut job = Job { id, name: None, environment: false, range: start..end.max(start), steps: Vec::new() };
                    if let YamlData::Mapping(body) = &jv.data {
                        for (bk, bv) in body {
                            match scalar_text(bk, text, &offsets).as_deref() {
                                Some("name") => job.name = scalar_text(bv, text, &offsets),
                                Some("environment") => job.environment = true,
                                Some("steps") => {
                                    if let YamlData::Sequence(steps) = &bv.data {
                                        for s in steps {
                                            let a = offsets.byte(s.span.start.index());
                                            let b = trim_end(text, offsets.byte(s.span.end.index()));
                                            job.steps.push(a..b.max(a));
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    w.jobs.push(job);
                }
            }
        }
        let mut scalars = Vec::new();
        collect(&root, text, &offsets, None, &mut scalars);
        for s in &mut scalars {
            s.job = w.jobs.iter().position(|j| j.range.contains(&s.range.start));
            s.step = s.job.and_then(|j| w.jobs[j].steps.iter().position(|r| r.contains(&s.range.start)));
        }
        w.scalars = scalars;
        Some(w)
    }

    /// A scalar's source text.
    pub fn raw(&self, s: &Scalar) -> &str {
        &self.text[s.range.clone()]
    }

    /// The scalars of job `j`.
    pub fn job_scalars(&self, j: usize) -> impl Iterator<Item = &Scalar> {
        self.scalars.iter().filter(move |s| s.job == Some(j))
    }

    /// The lines of a value's source text that are not comments (`#` first, as in a shell
    /// script), with their byte offsets in the file.
    pub fn lines_of(&self, s: &Scalar) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        let mut pos = s.range.start;
        for raw in self.raw(s).split_inclusive('\n') {
            let line = raw.trim_end_matches('\n').trim_end_matches('\r');
            if !line.trim_start().starts_with('#') && !line.trim().is_empty() {
                out.push((pos, line));
            }
            pos += raw.len();
        }
        out
    }

    /// Where the workflow sets env variable `key`: a mapping key (`env: { KEY: … }`, at any level)
    /// or a shell assignment in a script (`KEY=…`, `export KEY=…`, `echo "KEY=…" >> $GITHUB_ENV`).
    pub fn settings(&self, key: &str) -> Vec<Setting> {
        if let Some(v) = self.settings.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
            return v.clone();
        }
        let v = self.find_settings(key);
        self.settings.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), v.clone());
        v
    }

    fn find_settings(&self, key: &str) -> Vec<Setting> {
        let mut out = Vec::new();
        for s in &self.scalars {
            if s.is_key {
                continue;
            }
            if let Some((k, kr)) = &s.key {
                if k == key {
                    out.push(Setting { key_range: kr.clone(), value: s.value.clone(), in_script: false, job: s.job });
                    continue;
                }
            }
            for (at, line) in self.lines_of(s) {
                let mut from = 0;
                while let Some(i) = line[from..].find(key).map(|i| i + from) {
                    from = i + key.len();
                    let before_ok = i == 0 || !(line.as_bytes()[i - 1].is_ascii_alphanumeric() || line.as_bytes()[i - 1] == b'_');
                    let rest = &line[i + key.len()..];
                    if before_ok && rest.starts_with('=') && !rest.starts_with("==") {
                        out.push(Setting { key_range: at + i..at + i + key.len(), value: rest[1..].to_string(), in_script: true, job: s.job });
                    }
                }
            }
        }
        out
    }
}

/// Char index → byte offset (saphyr's markers count characters).
struct Offsets(Option<Vec<usize>>);

impl Offsets {
    fn new(text: &str) -> Offsets {
        if text.is_ascii() {
            Offsets(None)
        } else {
            Offsets(Some(text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect()))
        }
    }
    fn byte(&self, char_idx: usize) -> usize {
        match &self.0 {
            None => char_idx,
            Some(v) => v.get(char_idx).copied().unwrap_or_else(|| *v.last().unwrap_or(&0)),
        }
    }
}

/// Back over trailing whitespace: a node's end marker sits at the next token.
fn trim_end(text: &str, mut end: usize) -> usize {
    end = end.min(text.len());
    while end > 0 && text.as_bytes()[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

fn scalar_range(n: &MarkedYaml, text: &str, o: &Offsets) -> Range<usize> {
    let a = o.byte(n.span.start.index()).min(text.len());
    let b = trim_end(text, o.byte(n.span.end.index()));
    a..b.max(a)
}

/// A scalar node's value as text (numbers and booleans as written).
fn scalar_text(n: &MarkedYaml, text: &str, o: &Offsets) -> Option<String> {
    match &n.data {
        YamlData::Value(YScalar::String(s)) => Some(s.to_string()),
        YamlData::Value(YScalar::Null) => Some(String::new()),
        YamlData::Value(_) => Some(text[scalar_range(n, text, o)].to_string()),
        _ => None,
    }
}

fn collect(n: &MarkedYaml, text: &str, o: &Offsets, key: Option<(String, Range<usize>)>, out: &mut Vec<Scalar>) {
    match &n.data {
        YamlData::Mapping(m) => {
            for (k, v) in m {
                let kt = scalar_text(k, text, o);
                if let Some(kt) = &kt {
                    out.push(Scalar { range: scalar_range(k, text, o), value: kt.clone(), is_key: true, key: None, job: None, step: None });
                }
                collect(v, text, o, kt.map(|t| (t, scalar_range(k, text, o))), out);
            }
        }
        YamlData::Sequence(items) => {
            for i in items {
                collect(i, text, o, None, out);
            }
        }
        YamlData::Tagged(_, inner) => collect(inner, text, o, key, out),
        _ => {
            if let Some(v) = scalar_text(n, text, o) {
                out.push(Scalar { range: scalar_range(n, text, o), value: v, is_key: false, key, job: None, step: None });
            }
        }
    }
}

/// Lower-case alphanumeric words of a text (`test:e2e` → `test`, `e2e`).
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: &str = "name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n    - uses: actions/checkout@v4\n    - name: Build\n      run: |\n        npm run build\n        AUTH_SECRET: $(openssl rand -base64 32)\n\n  deploy:\n    name: Ship it\n    environment: production\n    env:\n      AUTH_URL: \"https://é.example\"\n    steps:\n      - run: echo \"AUTH_TRUST_HOST=true\" >> $GITHUB_ENV\n";

    #[test]
    fn jobs_and_steps() {
        let w = Workflow::parse("ci.yml", Y).unwrap();
        assert_eq!(w.jobs.len(), 2);
        assert_eq!(w.jobs[0].id, "test");
        assert_eq!(w.jobs[0].steps.len(), 2);
        assert!(Y[w.jobs[0].steps[1].clone()].starts_with("name: Build") && Y[w.jobs[0].steps[1].clone()].ends_with("32)"));
        assert_eq!(w.jobs[1].id, "deploy");
        assert_eq!(w.jobs[1].name.as_deref(), Some("Ship it"));
        assert!(w.jobs[1].environment && !w.jobs[0].environment);
        assert_eq!(w.jobs[1].steps.len(), 1);
    }

    #[test]
    fn a_script_line_is_not_a_key() {
        let w = Workflow::parse("ci.yml", Y).unwrap();
        assert!(!w.scalars.iter().any(|s| s.is_key && s.value == "AUTH_SECRET"));
        // ... nor an env setting, but it is script text of the `Build` step.
        assert!(w.settings("AUTH_SECRET").is_empty());
        let run = w.scalars.iter().find(|s| s.key.as_ref().is_some_and(|k| k.0 == "run") && s.job == Some(0)).unwrap();
        assert_eq!(run.step, Some(1));
        assert!(w.lines_of(run).iter().any(|(at, l)| l.contains("openssl rand") && Y[*at..].starts_with("        AUTH_SECRET")));
    }

    #[test]
    fn settings_point_at_the_key() {
        let w = Workflow::parse("ci.yml", Y).unwrap();
        let url = w.settings("AUTH_URL");
        assert_eq!(url.len(), 1);
        assert_eq!(&Y[url[0].key_range.clone()], "AUTH_URL");
        assert_eq!(url[0].value, "https://é.example");
        assert!(!url[0].in_script);
        let trust = w.settings("AUTH_TRUST_HOST");
        assert_eq!(trust.len(), 1);
        assert_eq!(&Y[trust[0].key_range.clone()], "AUTH_TRUST_HOST", "byte offsets after a non-ASCII character");
        assert!(trust[0].in_script && trust[0].value.starts_with("true"));
        assert_eq!(trust[0].job, Some(1));
    }

    #[test]
    fn what_does_not_parse_is_skipped() {
        assert!(Workflow::parse("x.yml", "jobs:\n  a: [unclosed\n").is_none());
        assert!(Workflow::parse("x.yml", "jobs:\n\tbad: tab\n").is_none());
        let deep: String = (0..3000).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
        assert!(Workflow::parse("x.yml", deep.as_str()).is_none());
        let flow = format!("a: {}", "[".repeat(100_000));
        assert!(Workflow::parse("x.yml", flow.as_str()).is_none());
        // An alias bomb is refused by the parser's expansion budget.
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (p, c) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"]) {
            bomb.push_str(&format!("{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"));
        }
        assert!(Workflow::parse("x.yml", bomb.as_str()).is_none());
        // Not a mapping at the top: parses, no jobs.
        assert!(Workflow::parse("x.yml", "- a\n- b\n").unwrap().jobs.is_empty());
    }

    #[test]
    fn files_at_the_app_and_git_root() {
        let mut p = Project::new(Default::default());
        for f in [".github/workflows/a.yml", "../../.github/workflows/ci.yaml", "../../.github/workflows/sub/x.yml", ".github/dependabot.yml", "ci.yml"] {
            p.set_file(f, "on: push\n");
        }
        assert_eq!(workflow_files(&p), vec!["../../.github/workflows/ci.yaml", ".github/workflows/a.yml"]);
    }
}
