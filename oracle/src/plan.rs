//! Plans: how a module is exercised.
//!
//! A plan file is JSON (schema version [`PLAN_VERSION`]):
//!
//! ```json
//! {
//!   "version": 1,
//!   "invocations": [
//!     { "export": "add", "args": [ {"type": "i32", "value": "1"}, {"type": "i32", "value": "2"} ] }
//!   ],
//!   "observe": { "globals": true, "memories": true, "tables": true }
//! }
//! ```
//!
//! The module is always instantiated first against the standard host (the spec test
//! suite's `spectest` module); then each invocation runs in order on that one instance;
//! then the state named in `observe` is read from the instance's exports. Values are
//! written as in [`crate::Value`]: the unsigned decimal of their bits.

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// The version of the plan format this library reads and writes.
pub const PLAN_VERSION: u32 = 1;

/// How a module is exercised: instantiate, invoke each entry in order, observe state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The format version; must be [`PLAN_VERSION`].
    pub version: u32,
    /// The calls to make, in order, on the one instance.
    #[serde(default)]
    pub invocations: Vec<Invocation>,
    /// Which exported state to read after the last call.
    #[serde(default)]
    pub observe: Observe,
}

/// One call of an exported function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invocation {
    /// The export's name.
    pub export: String,
    /// The arguments, with exact bits.
    #[serde(default)]
    pub args: Vec<Value>,
}

/// Which exported state a plan reads at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observe {
    /// Exported globals' values.
    #[serde(default = "yes")]
    pub globals: bool,
    /// Exported memories' sizes and contents.
    #[serde(default = "yes")]
    pub memories: bool,
    /// Exported tables' sizes and which slots are null.
    #[serde(default = "yes")]
    pub tables: bool,
}

fn yes() -> bool {
    true
}

impl Default for Observe {
    fn default() -> Self {
        Observe {
            globals: true,
            memories: true,
            tables: true,
        }
    }
}

impl Plan {
    /// A plan with these invocations that observes all exported state.
    pub fn new(invocations: Vec<Invocation>) -> Plan {
        Plan {
            version: PLAN_VERSION,
            invocations,
            observe: Observe::default(),
        }
    }

    /// Reads a plan file's text, checking its version.
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        #[derive(Deserialize)]
        struct Version {
            version: Option<u32>,
        }
        let v: Version = serde_json::from_str(text).map_err(PlanError::Json)?;
        match v.version {
            Some(PLAN_VERSION) => serde_json::from_str(text).map_err(PlanError::Json),
            Some(other) => Err(PlanError::Version(other)),
            None => Err(PlanError::NoVersion),
        }
    }
}

/// A plan file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Not JSON of the plan's shape.
    #[error("not a valid plan: {0}")]
    Json(serde_json::Error),
    /// A version this library does not read.
    #[error("plan version {0} is not supported (this harness reads version {PLAN_VERSION})")]
    Version(u32),
    /// No version field.
    #[error("the plan has no \"version\" field (this harness reads version {PLAN_VERSION})")]
    NoVersion,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_example() {
        let text = r#"{"version": 1, "invocations": [{"export": "add", "args": [{"type": "i32", "value": "1"}]}]}"#;
        let plan = Plan::from_json(text).unwrap();
        assert_eq!(plan.invocations[0].args, vec![Value::I32(1)]);
        assert!(plan.observe.memories);
    }

    #[test]
    fn rejects_bad_plans() {
        assert!(matches!(
            Plan::from_json(r#"{"version": 2}"#),
            Err(PlanError::Version(2))
        ));
        assert!(matches!(
            Plan::from_json(r#"{"invocations": []}"#),
            Err(PlanError::NoVersion)
        ));
        assert!(matches!(Plan::from_json("[1,2"), Err(PlanError::Json(_))));
        assert!(matches!(
            Plan::from_json(r#"{"version": 1, "invokations": []}"#),
            Err(PlanError::Json(_))
        ));
    }
}
