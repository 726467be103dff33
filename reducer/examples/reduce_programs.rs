//! Large bug-triggering programs for the reducer's tests and benchmarks.
//!
//! `cargo run -p reducer --example reduce_programs -- DIR [COUNT] [FUNCTIONS]` writes
//! `DIR/pNN-KIND.wasm` (program `i` has `FUNCTIONS + 100 i` functions; even ones divide
//! by zero, odd ones return a value); `-- --stats FILE...` prints each module's bytes, code
//! bytes, functions and instructions.
//!
//! Each program has `functions` functions of `(i32 i32) -> i32` that load, store, update
//! globals, loop, call lower-numbered functions directly and through a table, and mix
//! `i64`/`f64` arithmetic; `main` runs a long chain of them and then a `$caller` that
//! calls the bug function three times. The bug:
//! - `Bug::DivZero`: the bug function divides by zero on its third call (so an engine
//!   that reports the wrong trap kind, `test-wrong-trap`, deviates there);
//! - `Bug::Value`: the program returns an integer computed by the whole chain (so
//!   `test-wrong-value` deviates at `main`).

/// Which bug a program triggers.
#[derive(Clone, Copy, Debug)]
pub enum Bug {
    /// A division by zero deep inside.
    DivZero,
    /// A returned integer.
    Value,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The text of one program.
pub fn program(seed: u64, functions: usize, bug: Bug) -> String {
    program_repeated(seed, functions, bug, 1)
}

/// The text of one program whose `main` runs its chain of calls `repeat` times.
pub fn program_repeated(seed: u64, functions: usize, bug: Bug, repeat: u32) -> String {
    let mut r = Rng(seed ^ 0x9e37_79b9_7f4a_7c15);
    let n = functions.max(8);
    let bug_fn = n / 2 + r.below((n / 4) as u64) as usize;
    let table = 16;
    let mut s = String::new();
    s.push_str("(module\n  (type $t (func (param i32 i32) (result i32)))\n");
    s.push_str("  (memory (export \"memory\") 4 8)\n");
    for g in 0..4 {
        s.push_str(&format!(
            "  (global $g{g} (mut i32) (i32.const {}))\n",
            r.below(1000)
        ));
    }
    // Data: 16 segments of pseudo-random bytes.
    for d in 0..16 {
        let bytes: String = (0..64).map(|_| format!("\\{:02x}", r.below(256))).collect();
        s.push_str(&format!(
            "  (data (i32.const {}) \"{bytes}\")\n",
            1024 + d * 512
        ));
    }
    s.push_str(&format!("  (table {table} funcref)\n  (elem (i32.const 0)"));
    for k in 0..table {
        s.push_str(&format!(" $f{}", k));
    }
    s.push_str(")\n");
    for i in 0..n {
        s.push_str(&format!(
            "  (func $f{i} (type $t) (local $x i32) (local $k i32)\n    (local.set $x (i32.add (local.get 0) (i32.const {})))\n",
            r.below(100_000)
        ));
        let statements = 6 + r.below(8);
        let mut called = false;
        for _ in 0..statements {
            let o = r.below(3000) * 4;
            let c = r.below(1 << 20);
            let line = match r.below(9) {
                0 => format!(
                    "(local.set $x (i32.xor (local.get $x) (i32.load offset={o} (i32.and (local.get 1) (i32.const 0xfffc)))))"
                ),
                1 => format!(
                    "(i32.store offset={o} (i32.and (local.get $x) (i32.const 0xfffc)) (local.get 1))"
                ),
                2 => {
                    let g = r.below(4);
                    format!("(global.set $g{g} (i32.add (global.get $g{g}) (local.get $x)))")
                }
                3 if i > table && !called => {
                    called = true;
                    let j = i - 1 - r.below((i - table).min(40) as u64) as usize;
                    format!(
                        "(local.set $x (i32.add (local.get $x) (call $f{j} (local.get $x) (local.get 1))))"
                    )
                }
                4 if i >= table && !called => {
                    called = true;
                    format!(
                        "(local.set $x (i32.add (local.get $x) (call_indirect (type $t) (local.get $x) (i32.const {c}) (i32.const {}))))",
                        r.below(table as u64)
                    )
                }
                5 => format!(
                    "(local.set $k (i32.const 0)) (loop $l (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 31)) (i32.load8_u offset={} (local.get $k)))) (local.set $k (i32.add (local.get $k) (i32.const 1))) (br_if $l (i32.lt_u (local.get $k) (i32.const 8))))",
                    1024 + r.below(7000)
                ),
                6 => format!(
                    "(local.set $x (i32.wrap_i64 (i64.rotl (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const {c})) (i64.const 7))))"
                ),
                7 => format!(
                    "(local.set $x (i32.trunc_sat_f64_u (f64.add (f64.mul (f64.convert_i32_u (local.get $x)) (f64.const 1.5)) (f64.const {c}))))"
                ),
                _ => format!(
                    "(if (i32.gt_u (local.get $x) (i32.const {c})) (then (local.set $x (i32.shr_u (local.get $x) (i32.const 3)))) (else (local.set $x (i32.sub (local.get $x) (i32.const {}))))) ",
                    r.below(1000)
                ),
            };
            s.push_str("    ");
            s.push_str(&line);
            s.push('\n');
        }
        if i == bug_fn && matches!(bug, Bug::DivZero) {
            // Divides by zero when called with 3 as its first argument.
            s.push_str("    (local.set $x (i32.div_u (local.get $x) (i32.sub (local.get 0) (i32.const 3))))\n");
        }
        s.push_str("    (i32.add (local.get $x) (local.get 1)))\n");
    }
    // $caller: calls the bug function three times (arguments 5, 4, 3).
    s.push_str(&format!(
        "  (func $caller (param i32) (result i32) (local $x i32)\n    (local.set $x (call $f{bug_fn} (i32.const 5) (local.get 0)))\n    (local.set $x (i32.add (local.get $x) (call $f{bug_fn} (i32.const 4) (local.get $x))))\n    (i32.add (local.get $x) (call $f{bug_fn} (i32.const 3) (local.get $x))))\n"
    ));
    s.push_str("  (func (export \"main\") (result i32) (local $x i32) (local $n i32)\n");
    s.push_str(&format!(
        "    (local.set $n (i32.const {repeat}))\n    (loop $again\n"
    ));
    for k in 0..8 {
        let f = n - 1 - k * (n / 10);
        s.push_str(&format!(
            "    (local.set $x (i32.add (local.get $x) (call $f{f} (local.get $x) (i32.const {k}))))\n"
        ));
    }
    s.push_str("    (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n    (br_if $again (local.get $n)))\n");
    match bug {
        Bug::DivZero => s.push_str("    (i32.add (local.get $x) (call $caller (local.get $x))))\n"),
        Bug::Value => s.push_str("    (local.get $x))\n"),
    }
    s.push_str(")\n");
    s
}

#[allow(dead_code)]
fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("--stats") {
        // `--stats FILE...`: bytes, code bytes, functions, instructions of each module.
        for f in args {
            let bytes = std::fs::read(&f).unwrap_or_default();
            let s = reducer::module::Stats::of(&bytes);
            println!(
                "{f} {} {} {} {}",
                s.bytes, s.code_bytes, s.functions, s.instructions
            );
        }
        return;
    }
    let Some(dir) = first else {
        eprintln!("usage: reduce_programs DIR [COUNT] [FUNCTIONS] [REPEAT]");
        std::process::exit(2);
    };
    let count: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let functions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1500);
    let repeat: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    std::fs::create_dir_all(&dir).expect("create the directory");
    for i in 0..count {
        let bug = if i % 2 == 0 { Bug::DivZero } else { Bug::Value };
        let text = program_repeated(i, functions + (i as usize) * 100, bug, repeat);
        let bytes = wat::parse_str(&text).expect("the program parses");
        let name = format!(
            "{dir}/p{i:02}-{}.wasm",
            if i % 2 == 0 { "divzero" } else { "value" }
        );
        std::fs::write(&name, &bytes).expect("write the program");
        println!("{name} {} bytes", bytes.len());
    }
}
