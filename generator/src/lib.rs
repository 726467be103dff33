//! Modules and plans.
//!
//! Valid modules from wasm-smith in swarm configurations ([`smith`]), mutants of seed
//! modules ([`mutate`]), default plans that call every exported function once with arguments drawn
//! deterministically from a seed out of an edge-value list ([`default_plan`]), plans from
//! command-line arguments in the spec's text syntax ([`invoke_plan`]), and the check that a
//! plan fits a module's exports ([`check_plan`]).

#![deny(missing_docs)]

pub mod aimed;
pub mod args;
pub mod edge;
pub mod fuzz;
pub mod mutate;
pub mod negative;
pub mod smith;
pub mod wast_out;

use oracle::{ExportedFunc, HeapType, Invocation, Plan, RefType, RefValue, ValType, Value};

pub use args::{ArgError, parse_arg};

/// An export the default plan does not call, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The export.
    pub export: String,
    /// Why it is not called.
    pub reason: String,
}

/// SplitMix64: a small, well-mixed generator, so that a seed gives the same plan on every
/// machine and in every version that keeps this function.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True once in `n` draws (`n` > 0).
    pub fn one_in(&mut self, n: u64) -> bool {
        self.next_u64().is_multiple_of(n)
    }

    /// A uniformly chosen element.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// An argument of this type, drawn from the edge values, or why none can be made.
pub fn edge_value(ty: ValType, rng: &mut SplitMix64) -> Result<Value, String> {
    Ok(match ty {
        ValType::I32 => Value::I32(rng.pick(&edge::I32)),
        ValType::I64 => Value::I64(rng.pick(&edge::I64)),
        ValType::F32 => Value::F32(rng.pick(&edge::F32)),
        ValType::F64 => Value::F64(rng.pick(&edge::F64)),
        ValType::V128 => Value::V128(edge::v128(rng)),
        ValType::Ref(RefType {
            heap: HeapType::Extern,
            nullable,
        }) => {
            let host = Value::Ref(RefValue::Extern(rng.next_u64() as u32 % 16));
            if nullable && rng.next_u64().is_multiple_of(2) {
                Value::Ref(RefValue::Null(HeapType::Extern))
            } else {
                host
            }
        }
        ValType::Ref(RefType {
            nullable: true,
            heap,
        }) => Value::Ref(RefValue::Null(heap)),
        ValType::Ref(r) => {
            return Err(format!(
                "it takes a non-null {} argument, which the harness cannot make",
                ValType::Ref(r)
            ));
        }
    })
}

/// The default plan: every exported function once, in export order, with arguments drawn
/// from the edge values by `seed`. Functions whose arguments cannot be made are skipped.
pub fn default_plan(funcs: &[ExportedFunc], seed: u64) -> (Plan, Vec<Skipped>) {
    let mut invocations = Vec::new();
    let mut skipped = Vec::new();
    for (i, f) in funcs.iter().enumerate() {
        // One stream per export, so adding an export does not change the others' arguments.
        let mut rng = SplitMix64::new(seed ^ (i as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        match f
            .ty
            .params
            .iter()
            .map(|t| edge_value(*t, &mut rng))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(args) => invocations.push(Invocation {
                export: f.name.clone(),
                args,
            }),
            Err(reason) => skipped.push(Skipped {
                export: f.name.clone(),
                reason,
            }),
        }
    }
    (Plan::new(invocations), skipped)
}

/// A plan that calls one export with arguments written in the spec's text syntax.
pub fn invoke_plan(
    funcs: &[ExportedFunc],
    export: &str,
    args: &[String],
) -> Result<Plan, ArgError> {
    let f = funcs
        .iter()
        .find(|f| f.name == export)
        .ok_or_else(|| ArgError::NoExport {
            export: export.to_string(),
            available: funcs.iter().map(|f| f.name.clone()).collect(),
        })?;
    if f.ty.params.len() != args.len() {
        return Err(ArgError::Arity {
            export: export.into(),
            ty: f.ty.to_string(),
            given: args.len(),
        });
    }
    let args =
        f.ty.params
            .iter()
            .zip(args)
            .map(|(t, a)| parse_arg(a, *t))
            .collect::<Result<Vec<_>, _>>()?;
    Ok(Plan::new(vec![Invocation {
        export: export.into(),
        args,
    }]))
}

/// Checks that every invocation names an exported function and passes arguments of its
/// parameter types.
pub fn check_plan(plan: &Plan, funcs: &[ExportedFunc]) -> Result<(), ArgError> {
    for (k, inv) in plan.invocations.iter().enumerate() {
        let f = funcs
            .iter()
            .find(|f| f.name == inv.export)
            .ok_or_else(|| ArgError::NoExport {
                export: inv.export.clone(),
                available: funcs.iter().map(|f| f.name.clone()).collect(),
            })?;
        let fits = f.ty.params.len() == inv.args.len()
            && f.ty.params.iter().zip(&inv.args).all(|(t, v)| fits(v, *t));
        if !fits {
            let given: Vec<String> = inv.args.iter().map(|v| v.ty().to_string()).collect();
            return Err(ArgError::PlanTypes {
                step: k + 1,
                export: inv.export.clone(),
                ty: f.ty.to_string(),
                given: given.join(" "),
            });
        }
    }
    Ok(())
}

fn fits(v: &Value, t: ValType) -> bool {
    match (v, t) {
        (Value::Ref(RefValue::Null(_)), ValType::Ref(r)) => r.nullable,
        (Value::Ref(RefValue::Extern(_)), ValType::Ref(r)) => r.heap == HeapType::Extern,
        (Value::Ref(RefValue::NonNull(_)), _) => false,
        (v, t) => v.ty() == t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oracle::FuncType;

    fn func(name: &str, params: Vec<ValType>) -> ExportedFunc {
        ExportedFunc {
            name: name.into(),
            ty: FuncType {
                params,
                results: vec![],
            },
        }
    }

    #[test]
    fn default_plans_are_deterministic_per_seed() {
        let funcs = vec![
            func("a", vec![ValType::I32, ValType::F64]),
            func(
                "b",
                vec![ValType::V128, ValType::EXTERNREF, ValType::FUNCREF],
            ),
        ];
        let (p1, s1) = default_plan(&funcs, 7);
        let (p2, _) = default_plan(&funcs, 7);
        assert_eq!(p1, p2);
        assert!(s1.is_empty());
        assert_eq!(p1.invocations.len(), 2);
        let differs = (0..20).any(|seed| default_plan(&funcs, seed).0 != p1);
        assert!(differs, "the seed changes the arguments");
        assert_eq!(
            p1.invocations[1].args[2],
            Value::Ref(RefValue::Null(HeapType::Func))
        );
    }

    #[test]
    fn arguments_cover_the_edge_values() {
        let funcs = vec![func("f", vec![ValType::F32])];
        let seen: std::collections::HashSet<Value> = (0..2000)
            .map(|s| default_plan(&funcs, s).0.invocations[0].args[0])
            .collect();
        assert_eq!(
            seen.len(),
            edge::F32.len(),
            "every edge value is drawn by some seed"
        );
        assert!(
            seen.contains(&Value::F32(0x7fa0_0001)),
            "a signalling NaN with a payload"
        );
    }

    #[test]
    fn exports_that_need_non_null_references_are_skipped() {
        let nonnull = ValType::Ref(RefType {
            nullable: false,
            heap: HeapType::Func,
        });
        let (plan, skipped) = default_plan(&[func("f", vec![nonnull]), func("g", vec![])], 0);
        assert_eq!(plan.invocations.len(), 1);
        assert_eq!(skipped[0].export, "f");
        assert!(
            skipped[0].reason.contains("non-null"),
            "{}",
            skipped[0].reason
        );
    }

    #[test]
    fn invoke_plans_parse_and_check_arguments() {
        let funcs = vec![func("add", vec![ValType::I32, ValType::F32])];
        let p = invoke_plan(&funcs, "add", &["-1".into(), "nan:0x200000".into()]).unwrap();
        assert_eq!(
            p.invocations[0].args,
            vec![Value::I32(u32::MAX), Value::F32(0x7fa0_0000)]
        );
        assert!(matches!(
            invoke_plan(&funcs, "sub", &[]),
            Err(ArgError::NoExport { .. })
        ));
        assert!(matches!(
            invoke_plan(&funcs, "add", &["1".into()]),
            Err(ArgError::Arity { .. })
        ));
        assert!(matches!(
            invoke_plan(&funcs, "add", &["x".into(), "1".into()]),
            Err(ArgError::Parse { .. })
        ));
        let mut bad = p.clone();
        bad.invocations[0].args[1] = Value::F64(0);
        assert!(matches!(
            check_plan(&bad, &funcs),
            Err(ArgError::PlanTypes { step: 1, .. })
        ));
        assert!(check_plan(&p, &funcs).is_ok());
    }
}
