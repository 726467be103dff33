//! `reference`: the project's own executable spec (the `oracle` crate) as an engine, so it
//! can be diffed, and can run `.wast` scripts, like any other.

use std::time::Instant;

use oracle::exec::ExternVal;
use oracle::run::World;
use oracle::{
    FinalState, GlobalState, InstanceOutcome, Observe, Outcome, Proposal, Step, TableState, Value,
};

use crate::wast::Session;
use crate::{Engine, EngineInfo, Instance, Instantiation, Limits, micros};

/// The reference interpreter.
#[derive(Default)]
pub struct Reference;

impl Engine for Reference {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "reference".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            config: "the oracle: decoder, validator and interpreter written from the SpecTec rules, WebAssembly 2.0".into(),
            proposals: Proposal::WASM2.to_vec(),
        }
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        let mut world = world(Some(limits.fuel), limits);
        let t = Instant::now();
        let outcome = world.instantiate(None, module);
        let host_calls = world.store.take_host_calls();
        let compile_us = micros(t);
        let instance = (outcome == InstanceOutcome::Instantiated)
            .then(|| Box::new(Live { world }) as Box<dyn Instance>);
        Instantiation {
            step: Step {
                outcome,
                host_calls,
                resources: Vec::new(),
            },
            instance,
            compile_us,
        }
    }

    fn session(
        &self,
        limits: &Limits,
        _profile: Option<&[Proposal]>,
    ) -> Result<Box<dyn Session>, String> {
        // The oracle implements exactly 2.0: a profile beyond it is handled by the gate.
        let fuel = (limits.fuel != u64::MAX).then_some(limits.fuel);
        Ok(Box::new(RefSession {
            world: world(fuel, limits),
        }))
    }

    fn validate(&self, module: &[u8], _profile: &[Proposal]) -> Option<Result<(), String>> {
        // The oracle validates exactly 2.0: a profile beyond it changes nothing.
        Some(
            oracle::binary::decode(module)
                .map_err(|e| e.to_string())
                .and_then(|m| {
                    oracle::valid::validate(&m)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }),
        )
    }
}

/// A world with the spectest host, held to the harness's memory and table limits (growing
/// past them fails, as the spec allows; a larger initial size is exhaustion).
fn world(fuel: Option<u64>, limits: &Limits) -> World {
    let mut world = World::new(fuel);
    world
        .store
        .set_max_memory_pages((limits.max_memory / 65536).min(65536));
    world.store.set_max_table_elems(limits.max_table);
    world
}

struct Live {
    world: World,
}

impl Instance for Live {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Step<Outcome> {
        let outcome = self.world.invoke(None, export, args);
        Step {
            outcome,
            host_calls: self.world.store.take_host_calls(),
            resources: Vec::new(),
        }
    }

    fn final_state(&mut self, observe: &Observe) -> FinalState {
        let mut state = FinalState::default();
        let Ok(exports) = self.world.exports(None) else {
            return state;
        };
        for (name, e) in exports {
            let name = name.clone();
            match *e {
                ExternVal::Global(g) if observe.globals => {
                    state.globals.push(GlobalState {
                        name,
                        value: self.world.store.global(g).value,
                    });
                }
                ExternVal::Mem(m) if observe.memories => {
                    state
                        .memories
                        .push(crate::memory_state(&name, self.world.store.memory(m)));
                }
                ExternVal::Table(t) if observe.tables => {
                    let slots = self
                        .world
                        .store
                        .table(t)
                        .into_iter()
                        .map(|v| !matches!(v, Value::Ref(oracle::RefValue::Null(_))));
                    state.tables.push(TableState::from_slots(name, slots));
                }
                _ => {}
            }
        }
        state
    }
}

struct RefSession {
    world: World,
}

impl Session for RefSession {
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome {
        let outcome = self.world.instantiate(name, bytes);
        self.world.store.take_host_calls();
        outcome
    }

    fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<(), String> {
        self.world.register(as_name, module)
    }

    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[Value]) -> Outcome {
        let outcome = self.world.invoke(module, export, args);
        self.world.store.take_host_calls();
        outcome
    }

    fn get(&mut self, module: Option<&str>, export: &str) -> Outcome {
        match self.world.get_tagged(module, export) {
            Ok(t) => Outcome::Return {
                values: vec![t.value],
            },
            Err(message) => Outcome::Error { message },
        }
    }
}
