//! Coverage of (rule, opcode) pairs.
//!
//! [`crate::hit!`] keeps one static counter per call site, so its detail must be a
//! constant; an instruction's opcode name is only known at run time. [`hit_op`] keeps one
//! [`Counter`] per (rule, opcode) pair instead, made on first use and kept for the life of
//! the process (the pairs are finitely many), and counts through the same registry, so
//! [`crate::coverage::snapshot`] reports them like any other point.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::ast::Instr;
use crate::coverage::Counter;

type Table = Mutex<HashMap<(&'static str, String), &'static Counter>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Counts one firing of `rule` on `instr`'s opcode (`Instr_ok/binop`, `i32.add`).
pub(crate) fn hit_op(rule: &'static str, instr: &Instr) {
    let name = super::name::instr_name(instr);
    let counter = {
        let Ok(mut t) = table().lock() else { return };
        let key = (rule, name);
        match t.get(&key) {
            Some(c) => *c,
            None => {
                let detail: &'static str = Box::leak(key.1.clone().into_boxed_str());
                let c: &'static Counter = Box::leak(Box::new(Counter::new(rule, detail)));
                t.insert(key, c);
                c
            }
        }
    };
    counter.hit();
}
