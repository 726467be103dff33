//! The engines this build knows, by name.

use crate::{Engine, Wasmi, Wasmtime, WasmtimeStrategy};

/// The bundled engines: Wasmtime with Cranelift, Winch and Pulley, wasmi, and the
/// reference interpreter (the oracle).
pub fn bundled() -> Vec<Box<dyn Engine>> {
    vec![
        Box::new(crate::Reference),
        Box::new(Wasmtime::new(WasmtimeStrategy::Cranelift)),
        Box::new(Wasmtime::new(WasmtimeStrategy::Winch)),
        Box::new(Wasmtime::new(WasmtimeStrategy::Pulley)),
        Box::new(Wasmi::default()),
    ]
}

/// Every engine this build can run: the bundled ones, and the test engines when the
/// `test-engines` feature is on.
pub fn available() -> Vec<Box<dyn Engine>> {
    #[allow(unused_mut)]
    let mut all = bundled();
    #[cfg(feature = "test-engines")]
    all.extend(crate::test_engines::all());
    all
}

/// The engine of this name, if this build has it.
pub fn by_name(name: &str) -> Option<Box<dyn Engine>> {
    available().into_iter().find(|e| e.info().name == name)
}
