//! What a rule is: metadata (code, name, safety, doc), and a check that reads the project and
//! returns diagnostics, each with an optional fix made of text edits and new files.
use crate::edit::Edit;
use crate::project::Project;
use serde::Serialize;

/// Whether a rule offers fixes at all (ruff's `FixAvailability`): declared per rule, checked
/// against what the rule emits by the fixture harness.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    /// Every diagnostic carries a fix.
    Always,
    /// Some diagnostics carry a fix; the others say in their note why there is none.
    Sometimes,
    /// Diagnostics only, each with an instruction.
    None,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::None => "none",
        }
    }
}

/// How one fix may be applied (ruff's `Applicability`, biome's safe/unsafe code actions).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Applied by `fix` without extra flags: behaviour only changes where it was broken.
    Safe,
    /// Applied only with `--unsafe`: it changes behaviour the user may rely on.
    Unsafe,
    /// Shown as a suggestion in the review, never applied.
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A rule's identity and documentation. `doc` is the rule struct's doc comment, captured by
/// [`declare_rule!`], so `authfix explain` and the README table come from one text.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    /// Whether the rule's diagnostics carry fixes.
    pub fix: FixAvailability,
    /// The applicabilities its fixes may have (empty when `fix` is `None`).
    pub applicability: &'static [Applicability],
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
}

impl RuleMeta {
    /// The fix column of `authfix rules`: `none`, `safe`, `unsafe`, `safe/unsafe`, with
    /// `(sometimes)` when not every diagnostic has one.
    pub fn fix_label(&self) -> String {
        if self.fix == FixAvailability::None || self.applicability.is_empty() {
            return "none".into();
        }
        let apps: Vec<&str> = self.applicability.iter().map(|a| a.as_str()).collect();
        let base = apps.join("/");
        if self.fix == FixAvailability::Sometimes {
            format!("{base} (sometimes)")
        } else {
            base
        }
    }

    /// The doc comment without the one leading space rustdoc keeps on each line.
    pub fn doc_text(&self) -> String {
        self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n").trim().to_string()
    }
}

/// One change a fix makes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Change {
    /// Edit an existing file.
    Edit { file: String, edit: Edit },
    /// Create a new file (it must not exist yet).
    Create { file: String, content: String },
    /// Delete a file (with a `Create` elsewhere, a move).
    Delete { file: String },
}

impl Change {
    pub fn file(&self) -> &str {
        match self {
            Change::Edit { file, .. } | Change::Create { file, .. } | Change::Delete { file } => file,
        }
    }
    pub fn edit(file: &str, edit: Edit) -> Change {
        Change::Edit { file: file.to_string(), edit }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, imperative ("Remove `useSecureCookies`").
    pub title: String,
    pub changes: Vec<Change>,
}

impl Fix {
    pub fn new(applicability: Applicability, title: impl Into<String>, changes: Vec<Change>) -> Fix {
        Fix { applicability, title: title.into(), changes }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// Path relative to the app root.
    pub file: String,
    /// Byte range in the file (without BOM).
    pub start: usize,
    pub end: usize,
    /// What is wrong and what the user will see, one or two sentences.
    pub message: String,
    /// Why no fix is offered, or what else to do.
    pub note: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(meta: &RuleMeta, file: &str, start: usize, end: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            file: file.to_string(),
            start,
            end,
            message: message.into(),
            note: None,
            fix: None,
        }
    }
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
    /// A note for when nothing more specific was said.
    pub fn with_note_if_absent(self, note: impl Into<String>) -> Self {
        if self.note.is_some() {
            self
        } else {
            self.with_note(note)
        }
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Inspect the project and push diagnostics. Must not panic; must not do I/O.
    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>);
}

impl std::fmt::Debug for dyn Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.meta().code)
    }
}

/// Declare a rule struct whose doc comment doubles as its runtime documentation.
/// `fix: Always | Sometimes | None`, then (unless `None`) `applicability: [Safe, Unsafe, …]`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            fix: $fix:ident,
            $(applicability: [$($app:ident),* $(,)?],)?
            severity: $sev:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;
        impl $name {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                code: $code,
                name: $rname,
                fix: $crate::rule::FixAvailability::$fix,
                applicability: &[$($($crate::rule::Applicability::$app),*)?],
                severity: $crate::rule::Severity::$sev,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
