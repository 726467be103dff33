//! Coverage counters: how often each spec rule, numeric `def` clause and (rule, opcode)
//! pair fired.
//!
//! A point is named as in the wasm-3.0 spec (`../shared/spec`): a rule
//! (`Step_read/load-num-oob`, `Instr_ok/binop`), a production of the binary grammar
//! (`Bmodule`, `Binstr/block`) or one clause of a numeric `def` or of a `def` of module
//! execution, as the def's name and the clause's 1-based position among that def's
//! clauses in the spec file (`$idiv_#3`, `$allocfunc#1`).
//! Code that implements a point marks it with [`hit!`](crate::hit): each call site owns a
//! static counter, registered in a global list the first time it fires, so counting costs
//! a plain load and store and stays on during campaigns.
//!
//! Counts are exact on one thread (`harness coverage`, an engine's worker). Threads that
//! fire the same point at the same moment may lose some of each other's increments: the
//! counter is a relaxed load and store, not an atomic add, whose locked instruction cost
//! the interpreter about a fifth of its time. Whether a point fired, and which thread
//! reached it first, stay exact.
//!
//! The [`catalogue`] lists every point of the spec. It is made at build time by
//! `build.rs` from the spec's SpecTec source, which stays outside the repository; if the
//! spec is not found the build warns and the catalogue is empty. [`report`] joins it with
//! the counters.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// One coverage point's counter (one per [`hit!`](crate::hit) call site).
pub struct Counter {
    name: &'static str,
    detail: &'static str,
    count: AtomicU64,
    registered: AtomicBool,
}

static REGISTRY: Mutex<Vec<&'static Counter>> = Mutex::new(Vec::new());

impl Counter {
    /// A counter for a point; `detail` refines it (an opcode name), or is empty.
    pub const fn new(name: &'static str, detail: &'static str) -> Counter {
        Counter {
            name,
            detail,
            count: AtomicU64::new(0),
            registered: AtomicBool::new(false),
        }
    }

    /// Counts one firing (see the module's note on threads).
    #[inline]
    pub fn hit(&'static self) {
        let n = self.count.load(Ordering::Relaxed);
        self.count.store(n + 1, Ordering::Relaxed);
        // Registered already unless it never fired (or fires first since a [`reset`]).
        if n == 0 {
            self.register();
        }
    }

    #[cold]
    #[inline(never)]
    fn register(&'static self) {
        if !self.registered.load(Ordering::Relaxed)
            && !self.registered.swap(true, Ordering::AcqRel)
            && let Ok(mut r) = REGISTRY.lock()
        {
            // A point can have several call sites: it is new only at the first of them.
            if !r
                .iter()
                .any(|c| c.name == self.name && c.detail == self.detail)
            {
                FRESH.with(|f| f.set(f.get() + 1));
            }
            r.push(self);
        }
    }
}

thread_local! {
    /// Points this thread was the first in the process to reach, since [`take_fresh`].
    static FRESH: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many coverage points (rules, clauses and (rule, opcode) pairs) fired for the first
/// time in this process on the calling thread since the last call; resets the count.
///
/// A point is attributed to the thread whose code reached it first, so a campaign running
/// cases on many threads learns exactly which case reached a point no case had reached
/// before. [`reset`] does not make points new again.
pub fn take_fresh() -> u64 {
    FRESH.with(|f| f.replace(0))
}

/// How many distinct coverage points have fired in this process (ever, whatever
/// [`reset`] did since).
pub fn reached() -> usize {
    REGISTRY.lock().map_or(0, |r| {
        let mut names: Vec<(&str, &str)> = r.iter().map(|c| (c.name, c.detail)).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    })
}

/// Marks the code of a coverage point: `hit!("$idiv_#3")`, or with an opcode,
/// `hit!("Step_pure/binop-val", "i32.add")`.
#[macro_export]
macro_rules! hit {
    ($name:expr) => {
        $crate::hit!($name, "")
    };
    ($name:expr, $detail:expr) => {{
        static COUNTER: $crate::coverage::Counter = $crate::coverage::Counter::new($name, $detail);
        COUNTER.hit();
    }};
}

/// A point that fired, with its count.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    /// The point's name.
    pub name: String,
    /// Its refinement (an opcode), or empty.
    pub detail: String,
    /// How often it fired since the last [`reset`].
    pub count: u64,
}

/// Every point that fired since the last [`reset`], summed over call sites, sorted by name.
pub fn snapshot() -> Vec<Hit> {
    let mut merged: std::collections::BTreeMap<(&str, &str), u64> = Default::default();
    if let Ok(r) = REGISTRY.lock() {
        for c in r.iter() {
            let n = c.count.load(Ordering::Relaxed);
            if n > 0 {
                *merged.entry((c.name, c.detail)).or_default() += n;
            }
        }
    }
    // Points that fire exactly when others do: the one rule that uses a relation as its
    // premise (`Step/pure` is how any `Step_pure` rule steps a configuration).
    let mut implied: Vec<((&str, &str), u64)> = Vec::new();
    for (point, sources) in IMPLIED {
        let n: u64 = merged
            .iter()
            .filter(|((name, _), _)| sources.iter().any(|s| name.starts_with(s)))
            .map(|(_, n)| *n)
            .sum();
        if n > 0 {
            implied.push(((point, ""), n));
        }
    }
    for (key, n) in implied {
        *merged.entry(key).or_default() += n;
    }
    merged
        .into_iter()
        .map(|((name, detail), count)| Hit {
            name: name.into(),
            detail: detail.into(),
            count,
        })
        .collect()
}

/// Points no code marks because they fire exactly when others do, each with the name
/// prefixes of the points that imply it: `Step/pure` is the only rule with a `Step_pure`
/// premise (and `Step/read` with a `Step_read` one), every step is a `Steps/trans`, and
/// every evaluation (`$invoke`, `Eval_expr`) ends in `Steps/refl`. [`snapshot`] and
/// [`report`] count them with the sum of their sources.
pub const IMPLIED: [(&str, &[&str]); 4] = [
    ("Step/pure", &["Step_pure/"]),
    ("Step/read", &["Step_read/"]),
    ("Steps/trans", &["Step_pure/", "Step_read/", "Step/"]),
    ("Steps/refl", &["$invoke#1", "Eval_expr"]),
];

/// Sets every counter back to zero.
pub fn reset() {
    if let Ok(r) = REGISTRY.lock() {
        for c in r.iter() {
            c.count.store(0, Ordering::Relaxed);
        }
    }
}

/// What a coverage point is in the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum PointKind {
    /// A `rule Relation/case:` (validation, execution, soundness, ...).
    Rule,
    /// A `grammar` production of the binary format (`Bmodule`, `Binstr/block`).
    Grammar,
    /// One clause of a numeric `def` (`$idiv_#3`); a builtin def has one clause `#1`.
    NumericClause,
    /// One clause of a `def` of the execution of modules, which the spec writes as
    /// functions: allocation, instantiation, invocation (`$allocfunc#1`, `$runelem_#3`).
    DefClause,
}

/// One point of the [`catalogue`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Point {
    /// The point's name, as [`hit!`](crate::hit) marks it: `Step_pure/unreachable`,
    /// `Bcodesec`, `$idiv_#3`.
    pub name: &'static str,
    /// The relation, grammar or def it belongs to: `Step_pure`, `Binstr`, `$idiv_`.
    pub relation: &'static str,
    /// Rule, grammar production, numeric clause or module def clause.
    pub kind: PointKind,
    /// The leading number of its spec file: `2.3` (validation), `3.1` (numerics),
    /// `4.3` (execution), `5.4` (binary), `6.1` (text), `7.1` (soundness), `X.3` (notation).
    pub chapter: &'static str,
    /// Its spec file, `4.3-execution.instructions.spectec`.
    pub file: &'static str,
}

impl Point {
    /// The part of the spec: the chapter's leading digit (`"4"` for `4.3`).
    pub fn part(&self) -> &'static str {
        self.chapter.split('.').next().unwrap_or(self.chapter)
    }
}

mod generated {
    include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));
}

/// The spec version the catalogue was made of (`wasm-3.0`).
pub const SPEC_VERSION: &str = generated::SPEC_VERSION;

/// Every coverage point of the spec, in the order of the spec files; empty if the spec was
/// not found at build time.
pub fn catalogue() -> &'static [Point] {
    generated::POINTS
}

fn index() -> &'static std::collections::HashMap<&'static str, usize> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, usize>> =
        std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        catalogue()
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name, i))
            .collect()
    })
}

/// The catalogue's point of that name.
pub fn point(name: &str) -> Option<&'static Point> {
    index().get(name).map(|&i| &catalogue()[i])
}

/// Every point of the catalogue with how often it fired since the last [`reset`]
/// (summed over details; 0 if never), in catalogue order.
pub fn report() -> Vec<(Point, u64)> {
    let mut counts = vec![0u64; catalogue().len()];
    for h in snapshot() {
        if let Some(&i) = index().get(h.name.as_str()) {
            counts[i] += h.count;
        }
    }
    catalogue().iter().copied().zip(counts).collect()
}

/// The hits since the last [`reset`] whose name is no point of the catalogue.
pub fn unknown_hits() -> Vec<Hit> {
    snapshot()
        .into_iter()
        .filter(|h| point(&h.name).is_none())
        .collect()
}

/// The tables of points no WebAssembly 2.0 module can reach, by part of the spec: TOML
/// files of `[[unreachable]]` groups, each a `reason` and its `points`.
const REACH_TABLES: [(&str, &str); 5] = [
    (
        "reach/2-validation.toml",
        include_str!("../reach/2-validation.toml"),
    ),
    (
        "reach/3-numerics.toml",
        include_str!("../reach/3-numerics.toml"),
    ),
    (
        "reach/4-execution.toml",
        include_str!("../reach/4-execution.toml"),
    ),
    (
        "reach/5-binary.toml",
        include_str!("../reach/5-binary.toml"),
    ),
    ("reach/6-text.toml", include_str!("../reach/6-text.toml")),
];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReachTable {
    #[serde(default)]
    unreachable: Vec<UnreachableGroup>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UnreachableGroup {
    reason: String,
    points: Vec<String>,
}

/// Each point of the reach tables with its reason; a table that does not parse is a bug
/// of this crate, which its tests catch.
fn reach_table() -> &'static std::collections::HashMap<String, String> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<String, String>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut out = std::collections::HashMap::new();
        for (file, text) in REACH_TABLES {
            let table: ReachTable = match toml::from_str(text) {
                Ok(t) => t,
                Err(e) => panic!("oracle/{file} is not a reach table: {e}"),
            };
            for g in table.unreachable {
                for p in g.points {
                    out.insert(p, g.reason.clone());
                }
            }
        }
        out
    })
}

/// Why no WebAssembly 2.0 module run by this harness can reach a point of the
/// [`catalogue`], if so: the point belongs to a later feature (GC, exceptions, typed
/// function references, tail calls, relaxed SIMD), to the soundness appendix or the
/// notation, or is a form only the spec's administrative machinery produces. The reasons
/// are written per point in `oracle/reach/*.toml`, then by chapter, then by name for the
/// later features. Coverage percentages are of the points this returns `None` for.
pub fn unreachable(p: &Point) -> Option<String> {
    if let Some(why) = reach_table().get(p.name) {
        return Some(why.clone());
    }
    if p.chapter.starts_with('7') {
        return Some(
            "a rule of the soundness appendix: it types configurations, not modules".into(),
        );
    }
    if p.chapter.starts_with('X') || p.relation.starts_with("Notation") {
        return Some(
            "notation: a scheme the spec's prose uses, not a rule of the semantics".into(),
        );
    }
    if p.chapter == "3.0" {
        return Some(
            "relaxed SIMD (WebAssembly 3.0): the oracle implements WebAssembly 2.0".into(),
        );
    }
    // The binary grammar's points are listed one by one in `reach/5-binary.toml`: by name
    // they would mislead (a 2.0 function type is a `Brectype` of a `Bcomptype`).
    if p.kind == PointKind::Grammar {
        return None;
    }
    const BEYOND_2_0: [(&str, &str); 22] = [
        ("struct", "GC"),
        ("array", "GC"),
        ("i31", "GC"),
        ("ref.cast", "GC"),
        ("ref.test", "GC"),
        ("br_on", "GC"),
        ("any.convert", "GC"),
        ("extern.convert", "GC"),
        ("ref.eq", "GC"),
        ("rectype", "GC"),
        ("subtype", "GC"),
        ("comptype", "GC"),
        ("fieldval", "GC"),
        ("fieldtype", "GC"),
        ("storagetype", "GC"),
        ("throw", "exception handling"),
        ("try_table", "exception handling"),
        ("catch", "exception handling"),
        ("exn", "exception handling"),
        ("return_call", "tail calls"),
        ("call_ref", "typed function references"),
        ("ref.as_non_null", "typed function references"),
    ];
    // Points whose names sound like later features but that 2.0 modules reach: every
    // type definition is a recursive type of one final subtype of a function type, and
    // `call`/`call_indirect` reduce to `call_ref` (through `ref.cast` for the latter).
    // (Grammar points go by `reach/5-binary.toml` alone, below.)
    const REACHED_BY_2_0: [&str; 11] = [
        "Comptype_ok/func",
        "Subtype_ok",
        "Subtype_ok2",
        "Rectype_ok/empty",
        "Rectype_ok/cons",
        "Rectype_ok2/empty",
        "Rectype_ok2/cons",
        "Step_read/call_ref-null",
        "Step_read/call_ref-func",
        "Step_read/ref.cast-succeed",
        "Step_read/ref.cast-fail",
    ];
    if REACHED_BY_2_0.contains(&p.name) {
        return None;
    }
    let name = p.name.to_ascii_lowercase();
    BEYOND_2_0
        .iter()
        .find(|(k, _)| name.contains(k))
        .map(|(_, what)| format!("{what} (WebAssembly 3.0): the oracle implements WebAssembly 2.0"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_by_name_and_detail() {
        for _ in 0..3 {
            crate::hit!("Test/coverage-a");
        }
        crate::hit!("Test/coverage-b", "i32.add");
        let snap = super::snapshot();
        let a = snap
            .iter()
            .find(|h| h.name == "Test/coverage-a")
            .map(|h| h.count);
        let b = snap
            .iter()
            .find(|h| h.name == "Test/coverage-b")
            .map(|h| (h.detail.clone(), h.count));
        assert!(a >= Some(3));
        assert_eq!(b.map(|b| b.0), Some("i32.add".to_string()));
    }

    #[test]
    fn a_counter_registers_once_and_counts_again_after_a_reset() {
        use super::{Counter, Ordering, REGISTRY};
        static C: Counter = Counter::new("Test/coverage-reset", "");
        C.hit();
        C.hit();
        assert_eq!(C.count.load(Ordering::Relaxed), 2);
        // What `reset` does to every registered counter.
        C.count.store(0, Ordering::Relaxed);
        C.hit();
        assert_eq!(C.count.load(Ordering::Relaxed), 1);
        let registered = REGISTRY
            .lock()
            .map(|r| r.iter().filter(|c| c.name == "Test/coverage-reset").count())
            .unwrap_or(0);
        assert_eq!(registered, 1);
    }
}

#[cfg(test)]
mod catalogue_tests {
    use super::{PointKind, catalogue, point};

    fn count(f: impl Fn(&super::Point) -> bool) -> usize {
        catalogue().iter().filter(|p| f(p)).count()
    }

    #[test]
    fn catalogue_has_the_spec_points() {
        assert!(
            !catalogue().is_empty(),
            "the coverage catalogue is empty: the spec (../../shared/spec) was not found at build time"
        );
        assert_eq!(super::SPEC_VERSION, "wasm-3.0");
        assert_eq!(count(|p| p.kind == PointKind::Rule), 564);
        assert_eq!(count(|p| p.kind == PointKind::Rule && p.part() == "2"), 263);
        assert_eq!(count(|p| p.kind == PointKind::Rule && p.part() == "4"), 244);
        assert_eq!(count(|p| p.kind == PointKind::NumericClause), 317);
        assert_eq!(count(|p| p.kind == PointKind::Grammar), 170);
        assert_eq!(count(|p| p.kind == PointKind::DefClause), 43);
        let names: std::collections::HashSet<_> = catalogue().iter().map(|p| p.name).collect();
        assert_eq!(names.len(), catalogue().len(), "point names are unique");
        for (name, kind, chapter) in [
            ("Step_pure/unreachable", PointKind::Rule, "4.3"),
            ("Instr_ok/binop", PointKind::Rule, "2.3"),
            ("Step_read/load-num-oob", PointKind::Rule, "4.3"),
            ("Module_ok", PointKind::Rule, "2.4"),
            ("Bmodule", PointKind::Grammar, "5.4"),
            ("Binstr/block", PointKind::Grammar, "5.3"),
            ("$idiv_#3", PointKind::NumericClause, "3.1"),
            ("$R_fmadd#1", PointKind::NumericClause, "3.0"),
            ("$relaxed2#2", PointKind::NumericClause, "3.0"),
            ("$runelem_#3", PointKind::DefClause, "4.4"),
            ("$instantiate#1", PointKind::DefClause, "4.4"),
        ] {
            let p = point(name).unwrap_or_else(|| panic!("{name} is no point"));
            assert_eq!((p.kind, p.chapter), (kind, chapter), "{name}");
        }
        let idiv = point("$idiv_#1").map(|p| (p.relation, p.file));
        assert_eq!(idiv, Some(("$idiv_", "3.1-numerics.scalar.spectec")));
        assert_eq!(
            point("Step_read/load-num-oob").map(|p| p.relation),
            Some("Step_read")
        );
        assert_eq!(point("Step_read/load-num-oob").map(|p| p.part()), Some("4"));
        // Rules the spec sets aside in `(; ... ;)` comments are no points.
        assert!(point("Instr_ok/load").is_none());
        assert!(point("Instr_ok/load-val").is_some());
        // 2.0 names are not 3.0 points.
        assert!(point("Step_read/load-num-trap").is_none());
    }

    /// Every point the reach tables name is a point of the catalogue, named once.
    #[test]
    fn reach_tables_name_catalogue_points_once() {
        let mut seen = std::collections::HashSet::new();
        let mut bad = Vec::new();
        for (file, text) in super::REACH_TABLES {
            let table: super::ReachTable =
                toml::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            for g in table.unreachable {
                assert!(
                    !g.reason.trim().is_empty(),
                    "{file}: a group without a reason"
                );
                for p in g.points {
                    if point(&p).is_none() {
                        bad.push(format!("{file}: {p} is no point"));
                    }
                    if !seen.insert(p.clone()) {
                        bad.push(format!("{file}: {p} is listed twice"));
                    }
                }
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn later_features_soundness_and_notation_are_unreachable_with_a_reason() {
        let find = |n: &str| catalogue().iter().find(|p| p.name.contains(n));
        if let Some(p) = find("struct.new") {
            assert!(super::unreachable(p).unwrap().contains("GC"));
        }
        if let Some(p) = catalogue().iter().find(|p| p.chapter.starts_with('7')) {
            assert!(super::unreachable(p).unwrap().contains("soundness"));
        }
        // The binary grammar goes by its reach table only: a 2.0 function type is a
        // `Bcomptype` in a `Brectype`, whatever the names say.
        for reachable in ["Bcomptype", "Bsubtype", "Brectype", "Bmodule"] {
            let p = point(reachable).expect("a grammar point");
            assert_eq!(super::unreachable(p), None, "{reachable}");
        }
        let catch = point("Bcatch").expect("a grammar point");
        assert!(super::unreachable(catch).unwrap().contains("exception"));
        let nop = find("Step_pure/nop").expect("the catalogue has nop");
        assert_eq!(super::unreachable(nop), None);
        let add = point("$iadd_#1").expect("the catalogue has iadd");
        assert_eq!(super::unreachable(add), None);
    }

    #[test]
    fn report_joins_counts() {
        crate::hit!("Step_pure/nop", "catalogue-test");
        crate::hit!("Step_pure/nop", "catalogue-test-2");
        crate::hit!("Test/not-a-point");
        let report = super::report();
        assert_eq!(report.len(), catalogue().len());
        let nop = report.iter().find(|(p, _)| p.name == "Step_pure/nop");
        assert!(nop.is_some_and(|(_, n)| *n >= 2));
        assert!(
            report.iter().any(|(_, n)| *n == 0),
            "points never hit report 0"
        );
        let unknown = super::unknown_hits();
        assert!(unknown.iter().any(|h| h.name == "Test/not-a-point"));
        assert!(unknown.iter().all(|h| point(&h.name).is_none()));
    }

    /// Every point name the code marks (`hit!("..")`, `hit_op!("..")`, `hit_op("..")`) is
    /// a point of the catalogue, and so is the name in a comment right above the mark.
    #[test]
    fn every_marked_name_is_a_point() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = 0;
        let mut unknown = Vec::new();
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("read src").flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("read source");
                for (name, above) in marked_names(&text) {
                    found += 1;
                    // The counters' own tests mark made-up names.
                    if name.starts_with("Test/") {
                        continue;
                    }
                    if point(name).is_none() {
                        unknown.push(format!("{}: {name}", path.display()));
                    }
                    // A comment naming the point (`// Step_read/load-num-oob`) names it right.
                    let named = above.and_then(|c| c.split([' ', ':']).next());
                    if let Some(named) = named
                        && (named.contains('/') || named.starts_with('$') && named.contains('#'))
                        && named != name
                    {
                        unknown.push(format!("{}: // {named} above {name}", path.display()));
                    }
                }
            }
        }
        assert!(found > 300, "found only {found} marked names");
        assert!(
            unknown.is_empty(),
            "names that are no point:\n{}",
            unknown.join("\n")
        );
    }

    /// The string literals that open `hit!(`, `hit_op!(` and `hit_op(` calls outside
    /// comments, each with the comment line right above its call, if any.
    fn marked_names(text: &str) -> Vec<(&str, Option<&str>)> {
        // Spelled apart so that this file's own source does not match.
        let pats = [
            concat!("hit", "!("),
            concat!("hit_op", "!("),
            concat!("hit_op", "("),
        ];
        let mut out = Vec::new();
        let mut above = None;
        for line in text.lines() {
            let code = line.trim_start();
            if let Some(comment) = code.strip_prefix("//") {
                above = (!comment.starts_with(['/', '!'])).then_some(comment.trim());
                continue;
            }
            for pat in pats {
                for (i, _) in code.match_indices(pat) {
                    let rest = code[i + pat.len()..].trim_start();
                    if let Some(lit) = rest.strip_prefix('"')
                        && let Some(end) = lit.find('"')
                    {
                        out.push((&lit[..end], above));
                    }
                }
            }
            above = None;
        }
        out
    }
}
