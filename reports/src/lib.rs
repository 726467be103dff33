//! Renderings of what the harness found: human-readable text for the terminal, JSON with a
//! versioned schema for machines, and Markdown for bug trackers. Reports never run an
//! engine: they render observations and comparisons they are given.

#![deny(missing_docs)]

pub mod campaign;
pub mod coverage;
mod text;

use oracle::{Comparison, Observation, Plan};
use serde::{Deserialize, Serialize};

pub use text::{render_markdown, render_text};

/// The schema name and version of `harness diff --json`.
pub const DIFF_SCHEMA: &str = "harness.diff/1";

/// Everything `harness diff` learned about one module.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DiffReport {
    /// [`DIFF_SCHEMA`].
    pub schema: String,
    /// The module.
    pub module: ModuleSummary,
    /// The seed of the default plan, when the plan was drawn from one.
    pub seed: Option<u64>,
    /// The plan that was run.
    pub plan: Plan,
    /// Exports the plan does not call, and why.
    pub skipped: Vec<SkippedExport>,
    /// The engines, in the order of `observations`.
    pub engines: Vec<EngineSummary>,
    /// One observation per engine.
    pub observations: Vec<Observation>,
    /// The comparison of the engines with one another.
    pub comparison: Comparison,
    /// Every engine judged against the spec (the reference interpreter's expectation), when
    /// the oracle implements what the module uses.
    pub spec: Option<oracle::expect::SpecJudgement>,
    /// Why the spec could not judge, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_unavailable: Option<String>,
    /// The exit code `harness diff` returns for this report.
    pub exit_code: i32,
}

/// The module a report is about.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModuleSummary {
    /// The path it was read from.
    pub path: String,
    /// Size of the binary.
    pub bytes: usize,
    /// SHA-256 of the binary, hex.
    pub sha256: String,
    /// Number of exported functions (when the module could be read).
    pub exported_funcs: usize,
}

/// An export the plan does not call.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SkippedExport {
    /// The export.
    pub export: String,
    /// Why.
    pub reason: String,
}

/// An engine as the report names it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineSummary {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Configuration.
    pub config: String,
}

/// A name taken from a module (export names are arbitrary strings), made safe to print:
/// control characters and quotes are escaped.
pub fn escape(name: &str) -> String {
    if name
        .chars()
        .all(|c| !c.is_control() && c != '`' && c != '"')
    {
        name.to_string()
    } else {
        name.escape_debug().to_string().replace('`', "\\`")
    }
}

/// The same, for HTML text and attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}
