//! authfix's rules and rewrite engine. Text and project facts in, diagnostics and edits out:
//! this crate does no I/O, so every rule can be tested with strings.
pub mod advisories;
pub mod ast;
pub mod dotenv;
pub mod edit;
pub mod engine;
pub mod gitignore;
pub mod graph;
pub mod lockfile;
pub mod migrate;
pub mod options;
pub mod parse;
pub mod project;
pub mod provider;
pub mod render;
pub mod resolve;
pub mod rule;
pub mod rules;
pub mod secrets;
pub mod style;
pub mod suppress;
pub mod versions;
pub mod workspace;

pub use project::{Alias, Project, ProjectFacts};
pub use rule::{Applicability, Change, Diagnostic, Fix, FixAvailability, Rule, RuleMeta, Severity};
