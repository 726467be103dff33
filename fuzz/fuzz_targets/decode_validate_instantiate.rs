#![no_main]
//! Decodes, validates and instantiates arbitrary bytes (linked against the `spectest` host),
//! then calls every exported function with zero arguments of its parameter types: the
//! interpreter must never panic either. Fuel, memory and table limits keep each input small.

use libfuzzer_sys::fuzz_target;
use oracle::exec::ExternVal;
use oracle::run::World;
use oracle::{InstanceOutcome, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(m) = oracle::binary::decode(data) else {
        return;
    };
    if oracle::valid::validate(&m).is_err() {
        return;
    }
    let mut world = World::new(Some(100_000));
    world.store.set_max_memory_pages(64);
    world.store.set_max_table_elems(1 << 16);
    world.store.set_max_call_depth(500);
    if !matches!(world.instantiate(None, data), InstanceOutcome::Instantiated) {
        return;
    }
    let Ok(exports) = world.exports(None) else {
        return;
    };
    let funcs: Vec<(String, usize)> = exports
        .iter()
        .filter_map(|(name, e)| match e {
            ExternVal::Func(f) => Some((name.clone(), *f)),
            _ => None,
        })
        .collect();
    for (name, f) in funcs {
        let ty = world.store.func_type(f);
        let Some(args) = ty
            .params
            .iter()
            .map(|t| Value::default_of(*t))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let _ = world.invoke(None, &name, &args);
    }
});
