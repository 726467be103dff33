//! Fuel for Wasmer: `wasmer-middlewares`' metering (one unit per operator), made usable
//! for many modules and with the harness's per-step limit.
//!
//! Wasmer's `Metering` middleware adds two globals to the module it instruments (the points
//! left, and a flag set when they ran out) and, before each operator that ends a basic block
//! (`end`, `br*`, `call*`, `return`, `loop`, `if`, `else`), charges the block's cost: when
//! fewer points are left, it sets the flag and executes `unreachable`. It exports the two
//! globals under fixed names, and one `Metering` value serves one module only (a second
//! one panics). [`Fuel`] wraps it so that one engine compiles any number of modules:
//!
//! - each module gets a `Metering` of its own, whose initial points are the fuel the next
//!   instantiation is given ([`Fuel::set_next`]): the start function runs under it;
//! - the two globals are exported under names the module does not use (the module's own
//!   exports of Wasmer's fixed names are kept), and the start function is taken out of the
//!   module and exported too, so that the harness calls it itself after instantiation: a
//!   start function that runs out of fuel can then be told from one that reaches an
//!   `unreachable` (the instance, whose flag tells, exists only when `Instance::new`
//!   returns).
//!
//! How this counts against "one unit per instruction": every operator costs 1, including
//! `block`, `loop`, `end`, `else` and `nop`, and a function's implicit final `end`. A basic
//! block is charged as a whole at its end, so straight-line code runs before it is charged:
//! a block that needs more than is left still has its effects (stores) before the step
//! stops, where an engine that charges per instruction stops at the exact instruction. A
//! call into another instance is charged to that instance's points (each instance has its
//! own); the world sets every instance's points before each step (see `engine.rs`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use wasmer::sys::{FunctionMiddleware, MiddlewareError, ModuleMiddleware};
use wasmer::wasmparser::Operator;
use wasmer::{ExportIndex, LocalFunctionIndex, ModuleInfo};
use wasmer_middlewares::Metering;

/// The names Wasmer's metering exports its two globals under.
const METERING_EXPORTS: [&str; 2] = [
    "wasmer_metering_remaining_points",
    "wasmer_metering_points_exhausted",
];

/// The prefix of the names this program exports its own things under (made unique per
/// module when the module uses one).
pub const HIDDEN_PREFIX: &str = "harness-wasmer:";

/// One unit per operator.
fn one(_: &Operator) -> u64 {
    1
}

type OneMetering = Metering<fn(&Operator) -> u64>;

/// The hidden exports of the module compiled last.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hidden {
    /// The export of the points left (`i64`, compared unsigned).
    pub remaining: String,
    /// The export of the flag set when the points ran out (`i32`, 1 then).
    pub exhausted: String,
    /// The export of the module's start function, when it has one.
    pub start: Option<String>,
}

impl Hidden {
    /// Whether `name` is one of these exports (not the module's own).
    pub fn hides(&self, name: &str) -> bool {
        name == self.remaining || name == self.exhausted || self.start.as_deref() == Some(name)
    }
}

/// The metering middleware of an engine: a fresh `Metering` per module compiled.
#[derive(Debug)]
pub struct Fuel {
    /// The points a module compiled next starts with.
    next: AtomicU64,
    /// The metering of the module compiled last.
    current: Mutex<Option<Arc<OneMetering>>>,
    /// Its hidden exports.
    hidden: Mutex<Hidden>,
}

impl Fuel {
    /// No module yet; unlimited points until [`Fuel::set_next`].
    pub fn new() -> Arc<Fuel> {
        Arc::new(Fuel {
            next: AtomicU64::new(u64::MAX),
            current: Mutex::new(None),
            hidden: Mutex::new(Hidden::default()),
        })
    }

    /// The points the modules compiled from now on start with (their start function's).
    pub fn set_next(&self, points: u64) {
        self.next.store(points, Ordering::SeqCst);
    }

    /// The hidden exports of the module compiled last.
    pub fn hidden(&self) -> Hidden {
        self.hidden.lock().map(|h| h.clone()).unwrap_or_default()
    }
}

/// `prefix` + `what`, with a number added until the module has no export of that name.
fn unused(info: &ModuleInfo, what: &str) -> String {
    let base = format!("{HIDDEN_PREFIX}{what}");
    let mut name = base.clone();
    let mut k = 0;
    while info.exports.contains_key(&name) {
        k += 1;
        name = format!("{base}-{k}");
    }
    name
}

impl ModuleMiddleware for Fuel {
    fn generate_function_middleware<'a>(
        &self,
        index: LocalFunctionIndex,
    ) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        let current = self.current.lock().ok().and_then(|c| c.clone());
        match current {
            Some(m) => m.generate_function_middleware(index),
            // Wasmer transforms the module's information before it compiles any function.
            None => panic!("the fuel middleware was asked for a function before its module"),
        }
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let own: Vec<Option<ExportIndex>> = METERING_EXPORTS
            .iter()
            .map(|n| info.exports.get(*n).cloned())
            .collect();
        let metering: Arc<OneMetering> = Arc::new(Metering::new(
            self.next.load(Ordering::SeqCst),
            one as fn(&Operator) -> u64,
        ));
        metering.transform_module_info(info)?;
        // Move the metering globals to names of our own, and give the module back its own
        // exports of the fixed names (same position) if it had any.
        let mut names = Vec::new();
        for (fixed, own) in METERING_EXPORTS.iter().zip(own) {
            let Some(index) = info.exports.get(*fixed).cloned() else {
                return Err(MiddlewareError::new(
                    "harness-wasmer fuel",
                    format!("the metering did not export `{fixed}`"),
                ));
            };
            match own {
                Some(o) => {
                    info.exports.insert(fixed.to_string(), o);
                }
                None => {
                    info.exports.shift_remove(*fixed);
                }
            }
            let name = unused(info, fixed.trim_start_matches("wasmer_metering_"));
            info.exports.insert(name.clone(), index);
            names.push(name);
        }
        // The start function is called by the world, under the flag's watch.
        let start = info.start_function.take().map(|f| {
            let name = unused(info, "start");
            info.exports.insert(name.clone(), ExportIndex::Function(f));
            name
        });
        let hidden = Hidden {
            remaining: names[0].clone(),
            exhausted: names[1].clone(),
            start,
        };
        if let Ok(mut h) = self.hidden.lock() {
            *h = hidden;
        }
        if let Ok(mut c) = self.current.lock() {
            *c = Some(metering);
        }
        Ok(())
    }
}
