//! Coverage counters: how often each spec rule, numeric `def` clause and (rule, opcode)
//! pair fired.
//!
//! A point is named as in `../shared/spec`: a rule (`Step_read/load-num-trap`,
//! `Instr_ok/binop`) or one clause of a numeric `def`, as the def's name and the clause's
//! 1-based position among that def's clauses in the spec file (`$idiv_#3`). Code that
//! implements a point marks it with [`hit!`](crate::hit): each call site owns a static atomic counter,
//! registered in a global list the first time it fires, so counting costs one relaxed
//! atomic add and stays on during campaigns.

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

    /// Counts one firing.
    #[inline]
    pub fn hit(&'static self) {
        self.count.fetch_add(1, Ordering::Relaxed);
        if !self.registered.load(Ordering::Relaxed) {
            self.register();
        }
    }

    #[cold]
    fn register(&'static self) {
        if !self.registered.swap(true, Ordering::AcqRel)
            && let Ok(mut r) = REGISTRY.lock()
        {
            r.push(self);
        }
    }
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
    merged
        .into_iter()
        .map(|((name, detail), count)| Hit {
            name: name.into(),
            detail: detail.into(),
            count,
        })
        .collect()
}

/// Sets every counter back to zero.
pub fn reset() {
    if let Ok(r) = REGISTRY.lock() {
        for c in r.iter() {
            c.count.store(0, Ordering::Relaxed);
        }
    }
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
}
