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

/// The engines that run inside this process: the bundled ones, and the test engines when
/// the `test-engines` feature is on.
pub fn in_process() -> Vec<Box<dyn Engine>> {
    #[allow(unused_mut)]
    let mut all = bundled();
    #[cfg(feature = "test-engines")]
    all.extend(crate::test_engines::all());
    all
}

/// Every engine this build can run here: those of [`in_process`] and the external
/// engines found on this machine (see [`crate::external`]).
pub fn available() -> Vec<Box<dyn Engine>> {
    let mut all = in_process();
    let names: Vec<String> = all.iter().map(|e| e.info().name).collect();
    all.extend(
        crate::external::found()
            .into_iter()
            .filter(|e| !names.contains(&e.info().name)),
    );
    all
}

/// The engine of this name, if this build has it (external engines are looked for only
/// when no in-process engine has the name).
pub fn by_name(name: &str) -> Option<Box<dyn Engine>> {
    in_process()
        .into_iter()
        .find(|e| e.info().name == name)
        .or_else(|| {
            crate::external::found()
                .into_iter()
                .find(|e| e.info().name == name)
        })
}

/// The in-process engine of this name (what a worker process serves).
pub fn in_process_by_name(name: &str) -> Option<Box<dyn Engine>> {
    in_process().into_iter().find(|e| e.info().name == name)
}
