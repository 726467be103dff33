//! Aimed generation: small modules and plans built to reach the points of the spec a suite
//! has not reached yet, each checked with the oracle before it is kept.
//!
//! A [`Recipe`] aims at named coverage points (`Step_read/table.get-oob`, `$idiv_#3`) and
//! makes one [`Candidate`] per draw: a module and the calls to make on it, with operands
//! chosen to hit a clause (the trapping case of a conversion, an address exactly at the
//! memory bound, a `br_table` default, a table index just out of range). [`aim`] runs
//! candidates through the oracle and keeps those that reach a point no earlier case reached.
//! It is coverage-guided: recipes whose points are still missing get more draws, and the
//! report lists what remains.

mod control;
mod memory;
mod module;
pub mod numeric;
mod table;

use std::collections::{BTreeSet, HashMap, HashSet};

use oracle::coverage;
use oracle::{Invocation, Plan, Value};

use crate::SplitMix64;

/// A module and the calls to make on it.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Modules instantiated and registered under their names first, for the module to
    /// import from (a script's `(module $m ...)` and `(register "m" $m)`).
    pub registered: Vec<(String, Vec<u8>)>,
    /// The module's binary.
    pub module: Vec<u8>,
    /// The calls, in order.
    pub plan: Plan,
}

impl Candidate {
    /// A candidate from WebAssembly text and calls of its exports.
    pub fn wat(text: &str, calls: Vec<(&str, Vec<Value>)>) -> Result<Candidate, String> {
        let module = wat::parse_str(text).map_err(|e| format!("{e}\n{text}"))?;
        let invocations = calls
            .into_iter()
            .map(|(export, args)| Invocation {
                export: export.into(),
                args,
            })
            .collect();
        Ok(Candidate {
            registered: Vec::new(),
            module,
            plan: Plan::new(invocations),
        })
    }

    /// This candidate with a module (text) registered under `name` before it.
    pub fn after(mut self, name: &str, text: &str) -> Result<Candidate, String> {
        let bytes = wat::parse_str(text).map_err(|e| format!("{e}\n{text}"))?;
        self.registered.push((name.to_string(), bytes));
        Ok(self)
    }

    /// What the oracle expects of it.
    pub fn expect(&self, fuel: u64, max_call_depth: usize) -> oracle::expect::Expectation {
        let registered: Vec<(&str, &[u8])> = self
            .registered
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        oracle::expect::expect_linked(
            &registered,
            &self.module,
            &self.plan,
            fuel,
            Some(max_call_depth),
        )
    }

    /// The case as `.wast` commands with the oracle's expectations; `None` when the oracle
    /// cannot tell how it instantiates.
    pub fn wast(&self, fuel: u64, max_call_depth: usize) -> Option<String> {
        let e = self.expect(fuel, max_call_depth);
        let mut s = String::new();
        for (name, bytes) in &self.registered {
            s.push_str(&crate::wast_out::registered_commands(name, bytes));
        }
        s.push_str(&crate::wast_out::case_commands(
            &self.module,
            &self.plan,
            &e,
        )?);
        Some(s)
    }
}

/// A way to build candidates aimed at some points of the spec.
pub struct Recipe {
    /// Its name, unique: `memory/load-at-bound`.
    pub name: &'static str,
    /// The output file its cases go to (`memory`: `aimed-memory.wast`).
    pub family: &'static str,
    /// The points it aims at: names of the catalogue, or prefixes ending in `*`.
    pub aims: &'static [&'static str],
    /// One candidate from the generator; an error is a bug of the recipe.
    pub make: fn(&mut SplitMix64) -> Result<Candidate, String>,
}

/// Every recipe, in a fixed order.
pub fn recipes() -> Vec<&'static Recipe> {
    control::RECIPES
        .iter()
        .chain(memory::RECIPES)
        .chain(table::RECIPES)
        .chain(module::RECIPES)
        .chain(numeric::RECIPES)
        .collect()
}

/// Whether a recipe aims at a point.
fn aims_at(recipe: &Recipe, point: &str) -> bool {
    recipe.aims.iter().any(|a| match a.strip_suffix('*') {
        Some(prefix) => point.starts_with(prefix),
        None => *a == point,
    })
}

/// A candidate that reached points no earlier case had reached.
#[derive(Clone, Debug)]
pub struct Kept {
    /// The recipe that made it.
    pub recipe: &'static str,
    /// Its recipe's family (the output file).
    pub family: &'static str,
    /// The case.
    pub candidate: Candidate,
    /// The catalogue points it reached first, sorted.
    pub reached: Vec<String>,
}

/// What [`aim`] did.
#[derive(Clone, Debug, Default)]
pub struct AimReport {
    /// The cases kept, in the order they were found.
    pub kept: Vec<Kept>,
    /// Candidates run.
    pub attempts: u64,
    /// Reachable points of the catalogue still not reached, in catalogue order.
    pub missing: Vec<&'static str>,
    /// Reachable points no recipe aims at, among the missing.
    pub unaimed: Vec<&'static str>,
    /// Recipes that failed to build a candidate, with the first error.
    pub broken: Vec<(&'static str, String)>,
}

/// How [`aim`] runs.
#[derive(Clone, Debug)]
pub struct AimOptions {
    /// Seeds the recipes' draws.
    pub seed: u64,
    /// At most this many candidates per recipe.
    pub attempts_per_recipe: u64,
    /// Fuel per call for the oracle.
    pub fuel: u64,
    /// The deepest call stack the oracle expectation goes to (deeper, an engine may
    /// exhaust its stack, which the spec allows).
    pub max_call_depth: usize,
}

impl Default for AimOptions {
    fn default() -> Self {
        AimOptions {
            seed: 0,
            attempts_per_recipe: 200,
            fuel: 1_000_000,
            max_call_depth: 100,
        }
    }
}

/// How often each point fired in this process so far, summed over details.
fn counts() -> HashMap<String, u64> {
    let mut out = HashMap::new();
    for h in coverage::snapshot() {
        *out.entry(h.name).or_default() += h.count;
    }
    out
}

/// The points whose count grew between two [`counts`].
fn grown(before: &HashMap<String, u64>, after: HashMap<String, u64>) -> Vec<String> {
    after
        .into_iter()
        .filter(|(p, n)| before.get(p).is_none_or(|b| n > b))
        .map(|(p, _)| p)
        .collect()
}

/// Runs candidates of every recipe through the oracle (in this process: it reads the
/// oracle's global coverage counters, so nothing else may run the oracle meanwhile) and
/// keeps those that reach a reachable point not in `reached` nor reached by an earlier
/// kept case. Recipes draw in rounds; a recipe stops when every point it aims at is reached,
/// or after `attempts_per_recipe` draws; each round gives a recipe as many draws as it has
/// points still missing, so the points still missing get more attempts.
///
/// `on_attempt` is called after each candidate with the number of points reached so far.
pub fn aim(
    reached: &HashSet<String>,
    options: &AimOptions,
    mut on_attempt: impl FnMut(u64, usize),
) -> AimReport {
    let reachable: Vec<&'static str> = coverage::catalogue()
        .iter()
        .filter(|p| coverage::unreachable(p).is_none())
        .map(|p| p.name)
        .collect();
    let reachable_set: HashSet<&str> = reachable.iter().copied().collect();
    let mut have: HashSet<String> = reached.clone();
    let mut report = AimReport::default();
    let recipes = recipes();
    let mut draws = vec![0u64; recipes.len()];
    let mut rngs: Vec<SplitMix64> = recipes
        .iter()
        .enumerate()
        .map(|(i, _)| SplitMix64::new(options.seed ^ (i as u64).wrapping_mul(0x9e37_79b9)))
        .collect();
    let mut broken = vec![false; recipes.len()];
    loop {
        let mut progressed = false;
        for (i, recipe) in recipes.iter().enumerate() {
            if broken[i] || draws[i] >= options.attempts_per_recipe {
                continue;
            }
            let wanted = reachable
                .iter()
                .filter(|p| !have.contains(**p) && aims_at(recipe, p))
                .count() as u64;
            if wanted == 0 {
                continue;
            }
            for _ in 0..wanted.min(options.attempts_per_recipe - draws[i]) {
                draws[i] += 1;
                progressed = true;
                let candidate = match (recipe.make)(&mut rngs[i]) {
                    Ok(c) => c,
                    Err(e) => {
                        report.broken.push((recipe.name, e));
                        broken[i] = true;
                        break;
                    }
                };
                report.attempts += 1;
                let before = counts();
                let e = candidate.expect(options.fuel, options.max_call_depth);
                if let oracle::expect::ExpectedInstance::Rejected { reason } = e.instantiation {
                    // Recipes make valid modules: one the oracle rejects is a recipe's bug.
                    report
                        .broken
                        .push((recipe.name, format!("an invalid module: {reason}")));
                    broken[i] = true;
                    break;
                }
                let new: BTreeSet<String> = grown(&before, counts())
                    .into_iter()
                    .filter(|p| !have.contains(p) && reachable_set.contains(p.as_str()))
                    .collect();
                let new: Vec<String> = new.into_iter().collect();
                if !new.is_empty() {
                    have.extend(new.iter().cloned());
                    report.kept.push(Kept {
                        recipe: recipe.name,
                        family: recipe.family,
                        candidate,
                        reached: new,
                    });
                }
                on_attempt(report.attempts, have.len());
            }
        }
        if !progressed {
            break;
        }
    }
    report.missing = reachable
        .iter()
        .copied()
        .filter(|p| !have.contains(*p))
        .collect();
    report.unaimed = report
        .missing
        .iter()
        .copied()
        .filter(|p| !recipes.iter().any(|r| aims_at(r, p)))
        .collect();
    report
}

/// A case no coverage point marks, written by hand: an unbounded recursion, whose only
/// outcome the spec allows is the exhaustion of the call stack (at any depth), then a call
/// that shows the instance still usable. The oracle checks it (without a depth limit, its
/// own stack runs out first) before its `.wast` commands (`assert_exhaustion`) are given.
pub fn exhaustion_commands(fuel: u64) -> Result<String, String> {
    let text = r#"(module
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "after") (result i32) (i32.const 7)))"#;
    let c = Candidate::wat(text, vec![("deep", vec![Value::I32(0)]), ("after", vec![])])?;
    let registered: [(&str, &[u8]); 0] = [];
    let e = oracle::expect::expect_linked(&registered, &c.module, &c.plan, fuel, None);
    match e.invocations.first().map(|s| &s.outcome) {
        Some(oracle::expect::ExpectedOutcome::Unknown { why }) if why.contains("exhaust") => {}
        other => return Err(format!("the oracle does not exhaust its stack: {other:?}")),
    }
    Ok(format!(
        "(module {})\n(assert_exhaustion (invoke \"deep\" (i32.const 0)) \"call stack exhausted\")\n(assert_return (invoke \"after\") (i32.const 7))\n",
        crate::wast_out::binary_literal(&c.module)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every recipe makes modules the oracle accepts, from any seed, and names points
    /// that exist.
    #[test]
    fn every_recipe_builds_valid_candidates_aimed_at_real_points() {
        for recipe in recipes() {
            let mut rng = SplitMix64::new(11);
            for _ in 0..8 {
                let c = (recipe.make)(&mut rng).unwrap_or_else(|e| panic!("{}: {e}", recipe.name));
                let e = c.expect(100_000, 100);
                assert!(
                    !matches!(
                        e.instantiation,
                        oracle::expect::ExpectedInstance::Rejected { .. }
                            | oracle::expect::ExpectedInstance::Unknown { .. }
                    ),
                    "{}: {:?}",
                    recipe.name,
                    e.instantiation
                );
                assert!(c.wast(100_000, 100).is_some(), "{}", recipe.name);
            }
            for aim in recipe.aims {
                assert!(
                    coverage::catalogue().iter().any(|p| aims_at(
                        &Recipe {
                            name: "",
                            family: "",
                            aims: std::slice::from_ref(aim),
                            make: recipe.make,
                        },
                        p.name
                    )),
                    "{}: {aim} names no point",
                    recipe.name
                );
            }
        }
    }

    #[test]
    fn aims_match_names_and_prefixes() {
        let r = Recipe {
            name: "t",
            family: "t",
            aims: &["Step_read/memory.fill*", "Step_pure/call_indirect"],
            make: |_| Err("unused".into()),
        };
        assert!(aims_at(&r, "Step_read/memory.fill-oob"));
        assert!(aims_at(&r, "Step_pure/call_indirect"));
        assert!(!aims_at(&r, "Step_pure/call_indirect-x"));
        assert!(!aims_at(&r, "Step_read/memory.copy-oob"));
    }

    /// Aiming keeps only cases that reach a reachable point first, and says what is left.
    #[test]
    fn aim_keeps_cases_that_reach_new_points() {
        let options = AimOptions {
            attempts_per_recipe: 20,
            ..AimOptions::default()
        };
        let report = aim(&HashSet::new(), &options, |_, _| {});
        assert!(report.broken.is_empty(), "{:?}", report.broken);
        assert!(!report.kept.is_empty());
        let mut seen = HashSet::new();
        for k in &report.kept {
            assert!(!k.reached.is_empty());
            for p in &k.reached {
                let point = coverage::point(p).expect("a catalogue point");
                assert!(coverage::unreachable(point).is_none(), "{p}");
                assert!(seen.insert(p.clone()), "{p} kept twice");
            }
        }
        assert!(
            seen.contains("Step_read/table.copy-gt") || seen.contains("Step_read/table.copy-le")
        );
        assert!(report.missing.iter().all(|p| !seen.contains(*p)));
    }
}
