//! Syntactic reduction: delta debugging over functions, instructions, constants, data,
//! exports and sections, dead-function removal, and `wasm-mutate`'s shrinking mutations,
//! repeated to a fixpoint within a time budget.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use wasm_encoder::reencode::{self, Reencode};
use wasmparser::{ExternalKind, Operator, Payload};

use crate::module::{self, Info, TRAP_BODY};
use crate::predicate::{Interesting, Predicate};
use crate::reduce::{Observer, ReduceError};

/// Tests candidates: validates each, caches answers by hash, keeps the best (smallest
/// interesting) module and tells the observer about each new one.
pub(crate) struct Tester<'a> {
    pub predicate: &'a mut dyn Predicate,
    pub observer: &'a mut dyn Observer,
    pub best: Vec<u8>,
    pub deadline: Instant,
    cache: HashMap<u64, bool>,
    /// Candidates rejected by validation.
    pub invalid: u64,
    /// Candidates answered from the cache.
    pub cached: u64,
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl<'a> Tester<'a> {
    pub fn new(
        predicate: &'a mut dyn Predicate,
        observer: &'a mut dyn Observer,
        best: Vec<u8>,
        deadline: Instant,
    ) -> Tester<'a> {
        Tester {
            predicate,
            observer,
            best,
            deadline,
            cache: HashMap::new(),
            invalid: 0,
            cached: 0,
        }
    }

    /// Whether the budget is spent.
    pub fn expired(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Runs the predicate on a candidate (validated first, cached by hash) without
    /// comparing sizes.
    pub fn interesting(&mut self, candidate: &[u8]) -> Result<bool, ReduceError> {
        let key = hash(candidate);
        if let Some(&answer) = self.cache.get(&key) {
            self.cached += 1;
            return Ok(answer);
        }
        if module::validate(candidate).is_err() {
            self.invalid += 1;
            self.cache.insert(key, false);
            return Ok(false);
        }
        let answer = self.predicate.test(candidate)? == Interesting::Yes;
        self.cache.insert(key, answer);
        self.observer
            .tested(self.predicate.calls(), self.best.len());
        Ok(answer)
    }

    /// Keeps `candidate` when it is smaller than the best and interesting.
    pub fn try_smaller(&mut self, candidate: Vec<u8>) -> Result<bool, ReduceError> {
        if candidate.len() >= self.best.len() || self.expired() {
            return Ok(false);
        }
        if self.interesting(&candidate)? {
            self.accept(candidate);
            return Ok(true);
        }
        Ok(false)
    }

    /// Makes `module` the best, without testing it (the caller has).
    pub fn accept(&mut self, module: Vec<u8>) {
        self.best = module;
        self.observer.best(&self.best);
        self.observer
            .tested(self.predicate.calls(), self.best.len());
    }
}

/// Reduces `tester.best` syntactically until no pass helps or the budget is spent.
pub(crate) fn shrink(t: &mut Tester<'_>, seed: u64) -> Result<(), ReduceError> {
    let mut round = 0u64;
    loop {
        let before = t.best.len();
        custom_sections(t)?;
        exports(t)?;
        functions(t)?;
        dead_functions(t)?;
        data(t)?;
        instructions(t)?;
        locals(t)?;
        dead_functions(t)?;
        mutations(t, seed.wrapping_add(round), 300)?;
        round += 1;
        if t.best.len() >= before || t.expired() {
            return Ok(());
        }
    }
}

/// Builds a candidate from a module without the listed items.
type Attempt<'f> = &'f dyn Fn(&[u8], &[usize]) -> Option<Vec<u8>>;

/// Delta debugging over a list of `n` items: tries removing chunks (halving their size),
/// `attempt(removed)` builds the candidate without those items (from the current best,
/// whose items are renumbered after each success: `attempt` must re-read it).
fn ddmin(
    t: &mut Tester<'_>,
    count: &dyn Fn(&[u8]) -> usize,
    attempt: Attempt<'_>,
) -> Result<(), ReduceError> {
    let mut n = count(&t.best);
    let mut chunk = n.div_ceil(2).max(1);
    while n > 0 && !t.expired() {
        let mut start = 0;
        while start < n && !t.expired() {
            let end = (start + chunk).min(n);
            let removed: Vec<usize> = (start..end).collect();
            let kept = match attempt(&t.best, &removed) {
                Some(c) => t.try_smaller(c)?,
                None => false,
            };
            if kept {
                n = count(&t.best);
            } else {
                start = end;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    Ok(())
}

fn custom_sections(t: &mut Tester<'_>) -> Result<(), ReduceError> {
    if let Ok(info) = Info::parse(&t.best)
        && info.sections.iter().any(|(id, _)| *id == 0)
    {
        let c = module::without_custom_sections(&t.best, &info);
        t.try_smaller(c)?;
    }
    Ok(())
}

fn exports(t: &mut Tester<'_>) -> Result<(), ReduceError> {
    ddmin(
        t,
        &|m| Info::parse(m).map_or(0, |i| i.exports.len()),
        &|m, removed| {
            let info = Info::parse(m).ok()?;
            Some(module::without_exports(m, &info, removed))
        },
    )
}

fn data(t: &mut Tester<'_>) -> Result<(), ReduceError> {
    ddmin(
        t,
        &|m| Info::parse(m).map_or(0, |i| module::data_count(m, &i)),
        &|m, removed| {
            let info = Info::parse(m).ok()?;
            module::without_data(m, &info, removed).ok()
        },
    )
}

/// Replaces whole bodies with `unreachable` (the bodies that are not already that).
fn functions(t: &mut Tester<'_>) -> Result<(), ReduceError> {
    let nontrivial = |m: &[u8]| -> Vec<usize> {
        Info::parse(m).map_or(Vec::new(), |info| {
            (0..info.bodies.len())
                .filter(|&i| &m[info.bodies[i].range.clone()] != TRAP_BODY)
                .collect()
        })
    };
    ddmin(t, &|m| nontrivial(m).len(), &|m, removed| {
        let info = Info::parse(m).ok()?;
        let which = nontrivial(m);
        let mut bodies = module::bodies(m, &info);
        for &r in removed {
            bodies[*which.get(r)?] = TRAP_BODY.to_vec();
        }
        Some(module::with_bodies(m, &info, &bodies))
    })
}

/// Bodies with at most this many instructions have ranges of every length tried.
const EVERY_LENGTH_BELOW: usize = 64;
/// Bodies with at most this many instructions have ranges tried at every start.
const SLIDE_BELOW: usize = 400;

/// Within each body (largest first), deletes ranges of instructions, or replaces them by
/// one constant, halving the range length down to single instructions; also sets
/// constants to zero. Validation throws out the ill-typed candidates before the predicate.
fn instructions(t: &mut Tester<'_>) -> Result<(), ReduceError> {
    let Ok(info) = Info::parse(&t.best) else {
        return Ok(());
    };
    let mut order: Vec<usize> = (0..info.bodies.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(info.bodies[i].ops.len()));
    let fillers: Vec<Vec<u8>> = [
        wasmparser::ValType::I32,
        wasmparser::ValType::I64,
        wasmparser::ValType::F32,
        wasmparser::ValType::F64,
    ]
    .into_iter()
    .filter_map(module::zero_of)
    .collect();
    for f in order {
        // Instructions of body `f`, without the final `end`.
        let ops_of = |m: &[u8]| -> usize {
            Info::parse(m).map_or(0, |i| i.bodies.get(f).map_or(0, |b| b.ops.len() - 1))
        };
        let mut n = ops_of(&t.best);
        let mut chunk = if n <= EVERY_LENGTH_BELOW {
            n
        } else {
            n.div_ceil(2)
        }
        .max(1);
        while n > 0 && !t.expired() {
            let mut start = 0;
            while start < n && !t.expired() {
                let end = (start + chunk).min(n);
                if end - start < chunk && n <= SLIDE_BELOW {
                    break;
                }
                let mut kept = false;
                let info = match Info::parse(&t.best) {
                    Ok(i) => i,
                    Err(_) => return Ok(()),
                };
                let body = &info.bodies[f];
                let replacements = std::iter::once(Vec::new()).chain(fillers.iter().cloned());
                for with in replacements {
                    let mut new_body = t.best[body.range.start..body.ops[start].start].to_vec();
                    new_body.extend_from_slice(&with);
                    new_body.extend_from_slice(&t.best[body.ops[end].start..body.range.end]);
                    let mut bodies = module::bodies(&t.best, &info);
                    bodies[f] = new_body;
                    let candidate = module::with_bodies(&t.best, &info, &bodies);
                    if t.try_smaller(candidate)? {
                        kept = true;
                        break;
                    }
                }
                if kept {
                    n = ops_of(&t.best);
                } else {
                    // Small bodies: every start; large ones: aligned chunks.
                    start += if n <= SLIDE_BELOW { 1 } else { chunk };
                }
            }
            if chunk <= 1 {
                break;
            }
            // Small bodies: every length; larger ones: halving.
            chunk = if n <= EVERY_LENGTH_BELOW {
                (chunk - 1).min(n)
            } else {
                chunk.div_ceil(2)
            };
        }
        constants(t, f)?;
    }
    Ok(())
}

/// Drops the local declarations of each body that validates without them.
fn locals(t: &mut Tester<'_>) -> Result<(), ReduceError> {
    let n = Info::parse(&t.best).map_or(0, |i| i.bodies.len());
    for f in 0..n {
        let Ok(info) = Info::parse(&t.best) else {
            return Ok(());
        };
        let body = &info.bodies[f];
        if body.locals.len() <= 1 {
            continue;
        }
        let mut new_body = vec![0x00];
        new_body.extend_from_slice(&t.best[body.locals.end..body.range.end]);
        let mut bodies = module::bodies(&t.best, &info);
        bodies[f] = new_body;
        let candidate = module::with_bodies(&t.best, &info, &bodies);
        t.try_smaller(candidate)?;
    }
    Ok(())
}

/// Sets each integer constant of body `f` to 0 (shorter encodings).
fn constants(t: &mut Tester<'_>, f: usize) -> Result<(), ReduceError> {
    let mut k = 0;
    loop {
        if t.expired() {
            return Ok(());
        }
        let Ok(info) = Info::parse(&t.best) else {
            return Ok(());
        };
        let Some(body) = info.bodies.get(f) else {
            return Ok(());
        };
        let Some(op) = body.ops.get(k).cloned() else {
            return Ok(());
        };
        k += 1;
        let zero: &[u8] = match t.best[op.start] {
            0x41 => &[0x41, 0x00],
            0x42 => &[0x42, 0x00],
            _ => continue,
        };
        if op.len() <= 2 {
            continue;
        }
        let mut new_body = t.best[body.range.start..op.start].to_vec();
        new_body.extend_from_slice(zero);
        new_body.extend_from_slice(&t.best[op.end..body.range.end]);
        let mut bodies = module::bodies(&t.best, &info);
        bodies[f] = new_body;
        let candidate = module::with_bodies(&t.best, &info, &bodies);
        t.try_smaller(candidate)?;
    }
}

/// Removes the defined functions nothing refers to (exports, start, elements, globals,
/// `ref.func`, calls from live bodies), renumbering the rest.
fn dead_functions(t: &mut Tester<'_>) -> Result<(), ReduceError> {
    if let Some(c) = remove_dead_functions(&t.best) {
        t.try_smaller(c)?;
    }
    Ok(())
}

/// The module without its unreferenced defined functions (and without custom sections,
/// whose function names would be stale), or `None` when every function is referenced.
pub(crate) fn remove_dead_functions(m: &[u8]) -> Option<Vec<u8>> {
    let info = Info::parse(m).ok()?;
    let total = info.func_types.len();
    let mut live = vec![false; total];
    let mut work: Vec<u32> = Vec::new();
    for i in 0..info.imported_funcs {
        work.push(i);
    }
    for (_, kind, idx) in &info.exports {
        if matches!(kind, ExternalKind::Func | ExternalKind::FuncExact) {
            work.push(*idx);
        }
    }
    work.extend(info.start);
    // Anything outside the code section that names a function keeps it.
    for payload in wasmparser::Parser::new(0).parse_all(m) {
        match payload.ok()? {
            Payload::ElementSection(r) => {
                for e in r {
                    match e.ok()?.items {
                        wasmparser::ElementItems::Functions(fs) => {
                            for f in fs {
                                work.push(f.ok()?);
                            }
                        }
                        wasmparser::ElementItems::Expressions(_, es) => {
                            for ex in es {
                                for op in ex.ok()?.get_operators_reader() {
                                    if let Operator::RefFunc { function_index } = op.ok()? {
                                        work.push(function_index);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    for op in g.ok()?.init_expr.get_operators_reader() {
                        if let Operator::RefFunc { function_index } = op.ok()? {
                            work.push(function_index);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let bodies: Vec<wasmparser::FunctionBody<'_>> = wasmparser::Parser::new(0)
        .parse_all(m)
        .filter_map(|p| match p {
            Ok(Payload::CodeSectionEntry(b)) => Some(b),
            _ => None,
        })
        .collect();
    while let Some(f) = work.pop() {
        let Some(slot) = live.get_mut(f as usize) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        let Some(defined) = (f as usize).checked_sub(info.imported_funcs as usize) else {
            continue;
        };
        let body = bodies.get(defined)?;
        for op in body.get_operators_reader().ok()? {
            match op.ok()? {
                Operator::Call { function_index }
                | Operator::ReturnCall { function_index }
                | Operator::RefFunc { function_index } => work.push(function_index),
                _ => {}
            }
        }
    }
    if live.iter().all(|&l| l) {
        return None;
    }
    let mut map = vec![None; total];
    let mut next = 0u32;
    for (i, l) in live.iter().enumerate() {
        if *l {
            map[i] = Some(next);
            next += 1;
        }
    }
    let stripped = module::without_custom_sections(m, &info);
    let mut gc = Gc {
        map,
        imported: info.imported_funcs,
    };
    let mut out = wasm_encoder::Module::new();
    gc.parse_core_module(&mut out, wasmparser::Parser::new(0), &stripped)
        .ok()?;
    Some(out.finish())
}

/// Re-encodes a module without the functions `map` drops.
struct Gc {
    map: Vec<Option<u32>>,
    imported: u32,
}

impl Reencode for Gc {
    type Error = Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, reencode::Error<Infallible>> {
        Ok(self.map.get(func as usize).copied().flatten().unwrap_or(0))
    }

    fn parse_function_section(
        &mut self,
        functions: &mut wasm_encoder::FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), reencode::Error<Infallible>> {
        for (i, t) in section.into_iter().enumerate() {
            let t = t?;
            if self.map[self.imported as usize + i].is_some() {
                functions.function(self.type_index(t)?);
            }
        }
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), reencode::Error<Infallible>> {
        for (i, body) in section.into_iter().enumerate() {
            let body = body?;
            if self.map[self.imported as usize + i].is_some() {
                self.parse_function_body(code, body)?;
            }
        }
        Ok(())
    }
}

/// `wasm-mutate`'s size-reducing mutations, seeded deterministically; stops after
/// `patience` tries in a row that gave nothing smaller and interesting.
fn mutations(t: &mut Tester<'_>, seed: u64, patience: u32) -> Result<(), ReduceError> {
    let mut failures = 0;
    let mut seen = HashSet::new();
    let mut s = seed;
    while failures < patience && !t.expired() {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let mut mutate = wasm_mutate::WasmMutate::default();
        mutate.reduce(true).seed(s);
        let current = t.best.clone();
        let mut improved = false;
        if let Ok(candidates) = mutate.run(&current) {
            for c in candidates.take(10) {
                let Ok(c) = c else { continue };
                if !seen.insert(hash(&c)) {
                    continue;
                }
                if t.try_smaller(c)? {
                    improved = true;
                    break;
                }
            }
        }
        if improved {
            failures = 0;
        } else {
            failures += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reduce::NoObserver;
    use crate::signature::SignaturePredicate;
    use std::time::Duration;

    #[test]
    fn dead_functions_go_and_calls_are_renumbered() {
        let m = wat::parse_str(
            r#"(module (func $a) (func $b (result i32) i32.const 7)
                (func (export "f") (result i32) call $b))"#,
        )
        .unwrap();
        let out = remove_dead_functions(&m).unwrap();
        module::validate(&out).unwrap();
        let info = Info::parse(&out).unwrap();
        assert_eq!(info.bodies.len(), 2);
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert!(text.contains("call 0"), "{text}");
    }

    #[test]
    fn shrinks_to_the_instruction_that_matters() {
        // Interesting: the module still has an `i32.const 42` somewhere.
        let m = wat::parse_str(
            r#"(module (memory 1) (data (i32.const 0) "hello")
                (func $noise (param i32) (result i32) local.get 0 i32.const 3 i32.mul)
                (func (export "f") (param i32) (result i32)
                    local.get 0 call $noise i32.const 42 i32.add
                    i32.const 5 i32.mul))"#,
        )
        .unwrap();
        let mut p = SignaturePredicate::new(|c: &[u8]| {
            wasmprinter::print_bytes(c).is_ok_and(|t| t.contains("i32.const 42"))
        });
        let mut obs = NoObserver;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut t = Tester::new(&mut p, &mut obs, m.clone(), deadline);
        shrink(&mut t, 1).unwrap();
        let out = t.best.clone();
        let stats = module::Stats::of(&out);
        assert!(out.len() < m.len() / 2, "{} -> {}", m.len(), out.len());
        assert!(stats.instructions <= 3, "{stats:?}");
        assert!(
            wasmprinter::print_bytes(&out)
                .unwrap()
                .contains("i32.const 42")
        );
    }
}
