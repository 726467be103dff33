//! Cases from fuzzer inputs: how the `differential` libFuzzer target, `harness corpus export
//! --libfuzzer` and `harness corpus import` read and write the bytes libFuzzer keeps.
//!
//! An input is one of two kinds:
//!
//! - **a module**: the bytes start with the binary format's magic (`\0asm`). The module is run
//!   as it is. When its last section is a custom section named [`PLAN_SECTION`] holding a
//!   plan (JSON) that fits the module's exports, that plan is used and the section is
//!   removed; otherwise the default plan of seed 0. This is what `harness corpus export`
//!   writes (a campaign's kept module with its plan), and what the `wasm-mutate` mutator and
//!   libFuzzer's byte mutations make of it.
//! - **anything else**: wasm-smith's input. The first eight bytes seed the swarm
//!   configuration ([`crate::smith::swarm_config`], the same as the campaign's), the next
//!   eight the plan's arguments, and wasm-smith reads the rest, followed (up to 1 KiB) by
//!   bytes drawn from the input's hash.

use arbitrary::Unstructured;
use oracle::{ExportedFunc, Plan, Proposal};

use crate::SplitMix64;
use crate::smith::{TERMINATION_FUEL, swarm_config};

/// The name of the custom section that carries a plan next to its module.
pub const PLAN_SECTION: &str = "harness-plan";

/// The binary format's magic and version 1.
const PREAMBLE: [u8; 8] = *b"\0asm\x01\0\0\0";

/// Where a case came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The input was a module; its plan came with it.
    ModuleWithPlan,
    /// The input was a module without a (fitting) plan: the default plan of seed 0.
    Module,
    /// The input drove wasm-smith.
    Smith,
}

/// A module and its plan, made from a fuzzer input.
#[derive(Clone, Debug)]
pub struct FuzzCase {
    /// The module's binary (without the plan section).
    pub module: Vec<u8>,
    /// How it is exercised.
    pub plan: Plan,
    /// Which kind of input it was.
    pub origin: Origin,
}

/// Why an input makes no case.
#[derive(Debug, thiserror::Error)]
pub enum FuzzError {
    /// wasm-smith could not make a module of these bytes.
    #[error("wasm-smith: {0}")]
    Smith(String),
    /// The module's exports could not be read (it does not validate).
    #[error("{0}")]
    Exports(String),
}

/// The case of a fuzzer input. `exports` lists a module's exported functions (the caller's
/// validator decides; an error means the module is not run); `allowed` restricts what
/// wasm-smith may use.
pub fn case_from_bytes(
    data: &[u8],
    allowed: &[Proposal],
    exports: impl Fn(&[u8]) -> Result<Vec<ExportedFunc>, String>,
) -> Result<FuzzCase, FuzzError> {
    if data.starts_with(&PREAMBLE[..4]) {
        let (module, plan) = split_plan(data);
        let funcs = exports(&module).map_err(FuzzError::Exports)?;
        return Ok(
            match plan.filter(|p| crate::check_plan(p, &funcs).is_ok()) {
                Some(plan) => FuzzCase {
                    module,
                    plan,
                    origin: Origin::ModuleWithPlan,
                },
                None => FuzzCase {
                    plan: crate::default_plan(&funcs, 0).0,
                    module,
                    origin: Origin::Module,
                },
            },
        );
    }
    let mut u = Unstructured::new(data);
    let swarm_seed: u64 = u.arbitrary().unwrap_or(0);
    let plan_seed: u64 = u.arbitrary().unwrap_or(0);
    let (config, _) = swarm_config(&mut SplitMix64::new(swarm_seed), allowed);
    // wasm-smith stops choosing when its bytes run out, so a short input would only ever
    // make a tiny module: the input is followed by bytes drawn from its own hash, up to
    // the campaign's smallest budget. The input's bytes are read first, so every mutation
    // of them still changes the module.
    let mut bytes = data.get(16..).unwrap_or_default().to_vec();
    let mut rng = SplitMix64::new(fnv1a(data));
    while bytes.len() < MIN_SMITH_BYTES {
        bytes.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    let mut u = Unstructured::new(&bytes);
    let mut module =
        wasm_smith::Module::new(config, &mut u).map_err(|e| FuzzError::Smith(e.to_string()))?;
    module
        .ensure_termination(TERMINATION_FUEL)
        .map_err(|e| FuzzError::Smith(e.to_string()))?;
    let module = module.to_bytes();
    let funcs = exports(&module).map_err(FuzzError::Exports)?;
    Ok(FuzzCase {
        plan: crate::default_plan(&funcs, plan_seed).0,
        module,
        origin: Origin::Smith,
    })
}

/// The fewest bytes wasm-smith reads for one module (the campaign gives it 1 to 9 KiB).
const MIN_SMITH_BYTES: usize = 1024;

/// FNV-1a, 64 bits: a stable hash of the input, to seed the bytes that follow it.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The module with its plan appended as a custom section named [`PLAN_SECTION`] (engines
/// ignore custom sections; [`case_from_bytes`] reads it back).
pub fn with_plan(module: &[u8], plan: &Plan) -> Vec<u8> {
    let json = serde_json::to_vec(plan).unwrap_or_default();
    let mut payload = Vec::with_capacity(json.len() + PLAN_SECTION.len() + 5);
    leb128(&mut payload, PLAN_SECTION.len() as u32);
    payload.extend_from_slice(PLAN_SECTION.as_bytes());
    payload.extend_from_slice(&json);
    let mut out = Vec::with_capacity(module.len() + payload.len() + 6);
    out.extend_from_slice(module);
    out.push(0);
    leb128(&mut out, payload.len() as u32);
    out.extend_from_slice(&payload);
    out
}

/// The module without a trailing [`PLAN_SECTION`], and the plan it held when it parses.
/// Anything that is not exactly such a section at the end is left in the module.
pub fn split_plan(bytes: &[u8]) -> (Vec<u8>, Option<Plan>) {
    let Some((start, contents)) = last_section(bytes) else {
        return (bytes.to_vec(), None);
    };
    let mut pos = 0;
    let name = read_leb128(contents, &mut pos)
        .and_then(|n| contents.get(pos..pos.checked_add(n as usize)?))
        .filter(|n| *n == PLAN_SECTION.as_bytes());
    if name.is_none() {
        return (bytes.to_vec(), None);
    }
    let json = &contents[pos + PLAN_SECTION.len()..];
    match serde_json::from_slice::<Plan>(json) {
        Ok(plan) => (bytes[..start].to_vec(), Some(plan)),
        Err(_) => (bytes.to_vec(), None),
    }
}

/// Where the last section starts, and its contents, when it is a custom section and every
/// section header before it is well formed.
fn last_section(bytes: &[u8]) -> Option<(usize, &[u8])> {
    if bytes.len() < 8 || bytes[..8] != PREAMBLE {
        return None;
    }
    match sections(bytes)?.last() {
        Some(&(start, end, 0)) => {
            let mut pos = start + 1;
            read_leb128(bytes, &mut pos)?;
            Some((start, &bytes[pos..end]))
        }
        _ => None,
    }
}

/// Each section's start (its id byte), end and id, when every section header is well
/// formed (the contents are not read).
pub(crate) fn sections(module: &[u8]) -> Option<Vec<(usize, usize, u8)>> {
    if module.len() < 8 || module[..4] != PREAMBLE[..4] {
        return None;
    }
    let mut pos = 8;
    let mut out = Vec::new();
    while pos < module.len() {
        let start = pos;
        let id = module[pos];
        pos += 1;
        let size = read_leb128(module, &mut pos)? as usize;
        let end = pos.checked_add(size).filter(|e| *e <= module.len())?;
        out.push((start, end, id));
        pos = end;
    }
    Some(out)
}

/// Appends `v` as an unsigned LEB128.
pub(crate) fn leb128(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads an unsigned 32-bit LEB128 at `pos`, moving past it.
pub(crate) fn read_leb128(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v: u64 = 0;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return u32::try_from(v).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use oracle::{FuncType, Invocation, ValType, Value};

    fn one_export(_: &[u8]) -> Result<Vec<ExportedFunc>, String> {
        Ok(vec![ExportedFunc {
            name: "f".into(),
            ty: FuncType {
                params: vec![ValType::I32],
                results: vec![],
            },
        }])
    }

    fn module() -> Vec<u8> {
        wat::parse_str(r#"(module (func (export "f") (param i32)))"#).unwrap()
    }

    #[test]
    fn a_plan_travels_in_its_section_and_comes_back() {
        let plan = Plan::new(vec![Invocation {
            export: "f".into(),
            args: vec![Value::I32(7)],
        }]);
        let m = module();
        let both = with_plan(&m, &plan);
        assert!(both.len() > m.len());
        let (back, got) = split_plan(&both);
        assert_eq!(back, m);
        assert_eq!(got, Some(plan.clone()));
        let case = case_from_bytes(&both, &Proposal::WASM2, one_export).unwrap();
        assert_eq!(case.origin, Origin::ModuleWithPlan);
        assert_eq!((case.module, case.plan), (m, plan));
    }

    #[test]
    fn a_module_without_a_plan_gets_the_default_one() {
        let m = module();
        assert_eq!(split_plan(&m), (m.clone(), None));
        let case = case_from_bytes(&m, &Proposal::WASM2, one_export).unwrap();
        assert_eq!(case.origin, Origin::Module);
        assert_eq!(case.plan.invocations.len(), 1);
        assert_eq!(case.module, m);
    }

    #[test]
    fn a_damaged_plan_section_stays_in_the_module() {
        let plan = Plan::new(vec![]);
        let mut both = with_plan(&module(), &plan);
        let n = both.len();
        both[n - 2] = b'!';
        let (back, got) = split_plan(&both);
        assert_eq!((back, got), (both.clone(), None));
        // A plan that does not fit the exports is replaced by the default plan.
        let wrong = Plan::new(vec![Invocation {
            export: "g".into(),
            args: vec![],
        }]);
        let case =
            case_from_bytes(&with_plan(&module(), &wrong), &Proposal::WASM2, one_export).unwrap();
        assert_eq!(case.origin, Origin::Module);
        assert_eq!(case.plan.invocations[0].export, "f");
        // Truncated headers are not a section.
        assert_eq!(split_plan(&both[..10]).1, None);
        assert_eq!(split_plan(b"\0asm").1, None);
    }

    #[test]
    fn other_bytes_drive_wasm_smith_the_same_way_every_time() {
        let exports = |m: &[u8]| {
            wasmparser::Validator::new()
                .validate_all(m)
                .map(|_| Vec::new())
                .map_err(|e| e.to_string())
        };
        let data: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let a = case_from_bytes(&data, &Proposal::WASM2, exports).unwrap();
        let b = case_from_bytes(&data, &Proposal::WASM2, exports).unwrap();
        assert_eq!(a.origin, Origin::Smith);
        assert_eq!(a.module, b.module);
        assert!(a.module.starts_with(&PREAMBLE));
        // Even no bytes at all make a module.
        assert!(case_from_bytes(&[], &Proposal::WASM2, exports).is_ok());
    }
}
