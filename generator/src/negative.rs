//! Negative tests: modules that break exactly one rule of the spec, a validation rule
//! (`assert_invalid`) or a rule of the binary format (`assert_malformed`), each named after
//! the SpecTec rule or grammar it breaks, checked against the oracle and written as `.wast`.
//!
//! Each case is a small module that is valid but for the one thing it breaks; the oracle
//! confirms that it rejects it for that reason (an invalid module must decode and fail
//! validation; a malformed one must fail decoding) and gives the expected message. Every
//! engine must reject them all: one that accepts a module here has a bug.

use crate::fuzz::{leb128, read_leb128};

/// Which kind of rule a case breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A validation rule: the module decodes but does not validate.
    Invalid,
    /// A rule of the binary format: the module does not decode.
    Malformed,
}

/// One negative test.
#[derive(Clone, Debug)]
pub struct Negative {
    /// The rule (or binary grammar) it breaks, as named in the SpecTec source.
    pub rule: &'static str,
    /// What it does wrong, in a few words.
    pub what: &'static str,
    /// Invalid or malformed.
    pub kind: Kind,
    /// The module's bytes.
    pub module: Vec<u8>,
    /// Why the oracle rejects it (the assertion's message).
    pub message: String,
}

/// A case the oracle does not reject as the catalogue says: a bug of the catalogue.
#[derive(Debug, thiserror::Error)]
#[error("negative test `{rule}` ({what}): {problem}")]
pub struct CatalogueError {
    /// The rule.
    pub rule: &'static str,
    /// The case.
    pub what: &'static str,
    /// What went wrong.
    pub problem: String,
}

/// Invalid modules, in text (the `wat` crate encodes without validating).
const INVALID: &[(&str, &str, &str)] = &[
    (
        "Instr_ok/binop",
        "i32.add of an i64",
        "(func i32.const 0 i64.const 0 i32.add drop)",
    ),
    (
        "Instr_ok/unop",
        "i32.clz of an f32",
        "(func (result i32) f32.const 0 i32.clz)",
    ),
    (
        "Instr_ok/cvtop",
        "i32.trunc_f32_s of an i64",
        "(func (result i32) i64.const 0 i32.trunc_f32_s)",
    ),
    (
        "Instr_ok/testop",
        "i32.eqz of nothing",
        "(func (result i32) i32.eqz)",
    ),
    (
        "Instr_ok/relop",
        "f64.lt of an f32 and an f64",
        "(func (result i32) f32.const 0 f64.const 0 f64.lt)",
    ),
    (
        "Instr_ok/local.get",
        "an unknown local",
        "(func local.get 0 drop)",
    ),
    (
        "Instr_ok/local.set",
        "an i64 into an i32 local",
        "(func (local i32) i64.const 0 local.set 0)",
    ),
    (
        "Instr_ok/global.get",
        "an unknown global",
        "(func global.get 0 drop)",
    ),
    (
        "Instr_ok/global.set",
        "an immutable global",
        "(global i32 (i32.const 0)) (func i32.const 1 global.set 0)",
    ),
    ("Instr_ok/call", "an unknown function", "(func call 5)"),
    (
        "Instr_ok/call_indirect",
        "no table",
        "(type (func)) (func i32.const 0 call_indirect (type 0))",
    ),
    ("Instr_ok/br", "a label beyond the blocks", "(func br 1)"),
    (
        "Instr_ok/br_table",
        "a table entry beyond the blocks",
        "(func (block i32.const 0 br_table 0 2))",
    ),
    (
        "Instr_ok/if",
        "a result without else",
        "(func (result i32) i32.const 0 if (result i32) i32.const 1 end)",
    ),
    (
        "Instr_ok/block",
        "a block missing its result",
        "(func (block (result i32)) )",
    ),
    (
        "Instr_ok/return",
        "return without the result",
        "(func (result i32) return)",
    ),
    (
        "Instr_ok/select-impl",
        "select of references without a type",
        "(func (result funcref) ref.null func ref.null func i32.const 0 select)",
    ),
    (
        "Instr_ok/load",
        "an alignment larger than natural",
        "(memory 1) (func i32.const 0 i32.load align=8 drop)",
    ),
    (
        "Instr_ok/load-val",
        "a load without a memory",
        "(func i32.const 0 i32.load drop)",
    ),
    (
        "Instr_ok/store-pack",
        "i64.store32 aligned to 8",
        "(memory 1) (func i32.const 0 i64.const 0 i64.store32 align=8)",
    ),
    (
        "Instr_ok/memory.grow",
        "memory.grow without a memory",
        "(func i32.const 1 memory.grow drop)",
    ),
    (
        "Instr_ok/data.drop",
        "an unknown data segment",
        "(memory 1) (func data.drop 0)",
    ),
    (
        "Instr_ok/elem.drop",
        "an unknown element segment",
        "(func elem.drop 0)",
    ),
    (
        "Instr_ok/table.get",
        "an unknown table",
        "(func (result funcref) i32.const 0 table.get 0)",
    ),
    (
        "Instr_ok/ref.func",
        "an undeclared function reference",
        "(func (result funcref) ref.func 0)",
    ),
    (
        "Instr_ok/vextract_lane",
        "lane 4 of an i32x4",
        "(func (result i32) v128.const i64x2 0 0 i32x4.extract_lane 4)",
    ),
    (
        "Instr_ok/vshuffle",
        "a shuffle lane index of 32",
        "(func (result v128) v128.const i64x2 0 0 v128.const i64x2 0 0 i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 32)",
    ),
    (
        "Instr_ok/vvternop",
        "v128.bitselect of two operands",
        "(func (result v128) v128.const i64x2 0 0 v128.const i64x2 0 0 v128.bitselect)",
    ),
    (
        "Instrs_ok/seq",
        "a value left on the stack",
        "(func i32.const 1)",
    ),
    (
        "Instr_const/binop",
        "a non-constant global initialiser",
        "(global i32 (i32.add (i32.const 1) (i32.const 2)))",
    ),
    (
        "Instr_const/global.get",
        "a global initialised from a defined global",
        "(global i32 (i32.const 0)) (global i32 (global.get 0))",
    ),
    (
        "Globals_ok/cons",
        "an initialiser of the wrong type",
        "(global i32 (i64.const 0))",
    ),
    (
        "Start_ok",
        "a start function with a parameter",
        "(func (param i32)) (start 0)",
    ),
    (
        "Module_ok",
        "two exports of one name",
        "(func) (export \"a\" (func 0)) (export \"a\" (func 0))",
    ),
    (
        "Module_ok",
        "two memories (before multi-memory)",
        "(memory 1) (memory 1)",
    ),
    ("Limits_ok", "a minimum above the maximum", "(memory 2 1)"),
    ("Externtype_ok/mem", "65,537 pages", "(memory 65537)"),
    (
        "Datamode_ok/active",
        "an active data segment without a memory",
        "(data (i32.const 0) \"a\")",
    ),
    (
        "Elemmode_ok/active",
        "an active element segment without a table",
        "(func) (elem (i32.const 0) func 0)",
    ),
    (
        "Externidx_ok/func",
        "an export of an unknown function",
        "(export \"f\" (func 3))",
    ),
];

/// The preamble: magic and version 1.
const HEAD: &[u8] = b"\0asm\x01\0\0\0";

/// Malformed modules, as bytes after [`HEAD`] (or whole, when the head is what is wrong).
fn malformed() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let with_head = |rest: &[u8]| [HEAD, rest].concat();
    vec![
        (
            "Bmagic",
            "a wrong magic number",
            b"\0asn\x01\0\0\0".to_vec(),
        ),
        ("Bversion", "version 2", b"\0asm\x02\0\0\0".to_vec()),
        (
            "Bmodule",
            "a module cut inside its preamble",
            b"\0asm\x01\0".to_vec(),
        ),
        (
            "BuN",
            "a count in a 6-byte LEB128",
            with_head(&[1, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
        ),
        (
            "BuN",
            "a count whose last LEB128 byte has bits beyond 32",
            with_head(&[1, 5, 0x80, 0x80, 0x80, 0x80, 0x70]),
        ),
        (
            "Bsection_",
            "a section longer than the module",
            with_head(&[1, 5, 0]),
        ),
        (
            "Bcustomsec",
            "a custom section whose name runs past its end",
            with_head(&[0, 3, 9, b'a', b'b']),
        ),
        ("Bmodule", "an unknown section id", with_head(&[14, 0])),
        (
            "Bmodule",
            "the function section after the export section",
            with_head(&[
                1, 4, 1, 0x60, 0, 0, 7, 1, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b,
            ]),
        ),
        (
            "Bmodule",
            "a function section without a code section",
            with_head(&[1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0]),
        ),
        (
            "Bmodule",
            "a data count without data",
            with_head(&[5, 3, 1, 0, 1, 12, 1, 1]),
        ),
        (
            "Binstr",
            "an unknown opcode",
            with_head(&[1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 5, 1, 3, 0, 0xff, 0x0b]),
        ),
        (
            "Bcode",
            "a body without its end",
            with_head(&[1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x01]),
        ),
        (
            "Blocals",
            "2^32 locals",
            with_head(&[
                1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 16, 1, 14, 2, 0xff, 0xff, 0xff, 0xff, 0x0f,
                0x7f, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b,
            ]),
        ),
        (
            "Bname",
            "an export name that is not UTF-8",
            with_head(&[
                1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0xff, 0, 0, 10, 4, 1, 2, 0, 0x0b,
            ]),
        ),
        (
            "Bvaltype",
            "an unknown value type",
            with_head(&[1, 5, 1, 0x60, 1, 0x7a, 0]),
        ),
        (
            "Bmut",
            "a global mutability of 2",
            with_head(&[6, 6, 1, 0x7f, 2, 0x41, 0, 0x0b]),
        ),
    ]
}

/// Every negative test, each checked against the oracle (which gives its message).
pub fn catalogue() -> Result<Vec<Negative>, CatalogueError> {
    let mut out = Vec::new();
    for &(rule, what, text) in INVALID {
        let err = |problem: String| CatalogueError {
            rule,
            what,
            problem,
        };
        let module = wat::parse_str(format!("(module {text})"))
            .map_err(|e| err(format!("does not encode: {e}")))?;
        let decoded =
            oracle::binary::decode(&module).map_err(|e| err(format!("does not decode: {e}")))?;
        let message = match oracle::valid::validate(&decoded) {
            Ok(_) => return Err(err("the oracle accepts it".into())),
            Err(e) => e.message,
        };
        out.push(Negative {
            rule,
            what,
            kind: Kind::Invalid,
            module,
            message,
        });
    }
    for (rule, what, module) in malformed() {
        let message = match oracle::binary::decode(&module) {
            Ok(_) => {
                return Err(CatalogueError {
                    rule,
                    what,
                    problem: "the oracle decodes it".into(),
                });
            }
            Err(e) => e.message,
        };
        out.push(Negative {
            rule,
            what,
            kind: Kind::Malformed,
            module,
            message,
        });
    }
    Ok(out)
}

/// Breaks one rule in a valid module, chosen by `seed`: the campaign's `negative` strategy.
/// Returns the broken module and the rule it aims at. Some edits may leave the module valid
/// (a cut at a section boundary): the oracle's expectation, computed from the bytes, says
/// so, and the engines are judged against that.
pub fn break_one(module: &[u8], seed: u64) -> Option<(Vec<u8>, &'static str)> {
    let mut rng = crate::SplitMix64::new(seed);
    let sections = crate::fuzz::sections(module).filter(|s| !s.is_empty())?;
    match rng.next_u64() % 6 {
        // Bmodule: the module cut short inside a section.
        0 => {
            let &(start, end, _) =
                sections.get((rng.next_u64() % sections.len().max(1) as u64) as usize)?;
            let cut = start + 1 + (rng.next_u64() as usize % (end - start).max(1));
            Some((module[..cut.min(module.len() - 1)].to_vec(), "Bmodule"))
        }
        // Bmodule: an unknown section id (past the data count's 12) in front.
        1 => {
            let mut out = module[..8].to_vec();
            out.extend([13 + (rng.next_u64() % 100) as u8, 0]);
            out.extend_from_slice(&module[8..]);
            Some((out, "Bmodule"))
        }
        // Bsection_: a section's size one more than what follows it.
        2 => {
            let &(start, _, _) = sections.last()?;
            let mut pos = start + 1;
            let size = read_leb128(module, &mut pos)?;
            let mut out = module[..start + 1].to_vec();
            leb128(&mut out, size + 1);
            out.extend_from_slice(&module[pos..]);
            Some((out, "Bsection_"))
        }
        // BuN: a section size in one more LEB128 byte than allowed (5 → 6) is too long; a
        // padded but legal one would not be: pad to exactly 6.
        3 => {
            let &(start, _, _) = sections.get((rng.next_u64() % sections.len() as u64) as usize)?;
            let mut pos = start + 1;
            let size = read_leb128(module, &mut pos)?;
            let mut out = module[..start + 1].to_vec();
            let mut v = size;
            for _ in 0..5 {
                out.push((v & 0x7f) as u8 | 0x80);
                v >>= 7;
            }
            out.push(0);
            out.extend_from_slice(&module[pos..]);
            Some((out, "BuN"))
        }
        // Bmodule: two sections of one kind swapped out of order (when there are two
        // non-custom sections to swap).
        4 => {
            let known: Vec<_> = sections.iter().filter(|s| s.2 != 0).collect();
            if known.len() < 2 {
                return None;
            }
            let i = (rng.next_u64() % (known.len() as u64 - 1)) as usize;
            let (a, b) = (known[i], known[i + 1]);
            if a.1 != b.0 {
                return None;
            }
            let mut out = module[..a.0].to_vec();
            out.extend_from_slice(&module[b.0..b.1]);
            out.extend_from_slice(&module[a.0..a.1]);
            out.extend_from_slice(&module[b.1..]);
            Some((out, "Bmodule"))
        }
        // Instr_ok/*: a code section entry whose body starts with an instruction of the
        // wrong type (`i64.const 0; i32.eqz`) cannot validate... when the body is the
        // first instruction sequence: the byte sequence is inserted after the locals.
        _ => {
            let &(start, end, _) = sections.iter().find(|s| s.2 == 10)?;
            let mut pos = start + 1;
            let _size = read_leb128(module, &mut pos)?;
            let count = read_leb128(module, &mut pos)?;
            if count == 0 {
                return None;
            }
            let body_size = read_leb128(module, &mut pos)? as usize;
            let locals_at = pos;
            let groups = read_leb128(module, &mut pos)?;
            for _ in 0..groups {
                read_leb128(module, &mut pos)?;
                pos += 1;
            }
            if pos > end || locals_at + body_size > end {
                return None;
            }
            // i64.const 0; i32.eqz; drop
            let insert = [0x42, 0x00, 0x45, 0x1a];
            let mut body = Vec::new();
            leb128(&mut body, (body_size + insert.len()) as u32);
            body.extend_from_slice(&module[locals_at..pos]);
            body.extend_from_slice(&insert);
            body.extend_from_slice(&module[pos..locals_at + body_size]);
            let mut contents = Vec::new();
            leb128(&mut contents, count);
            contents.extend_from_slice(&body);
            contents.extend_from_slice(&module[locals_at + body_size..end]);
            let mut out = module[..start].to_vec();
            out.push(10);
            leb128(&mut out, contents.len() as u32);
            out.extend_from_slice(&contents);
            out.extend_from_slice(&module[end..]);
            Some((out, "Instr_ok/testop"))
        }
    }
}

/// A `.wast` script of these cases: one assertion each, commented with the rule it breaks.
pub fn to_wast(title: &str, cases: &[Negative]) -> String {
    let mut s = format!(
        ";; {title}\n;; Generated by `harness gen --negative`: each module breaks exactly one rule,\n\
         ;; named in the comment above it; the messages are the oracle's. Later proposals make\n\
         ;; some of these modules valid (two memories, extended constants), so:\n\
         ;; profile: wasm-2.0\n"
    );
    for c in cases {
        let keyword = match c.kind {
            Kind::Invalid => "assert_invalid",
            Kind::Malformed => "assert_malformed",
        };
        s.push_str(&format!(
            "\n;; {}: {}\n({keyword}\n  (module binary",
            c.rule, c.what
        ));
        for chunk in c.module.chunks(16) {
            s.push_str("\n    \"");
            for b in chunk {
                s.push_str(&format!("\\{b:02x}"));
            }
            s.push('"');
        }
        s.push_str(")\n  \"");
        for ch in c.message.chars() {
            match ch {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                c if c.is_ascii_graphic() || c == ' ' => s.push(c),
                c => s.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        }
        s.push_str("\")\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_is_rejected_by_the_oracle_for_its_kind() {
        let all = catalogue().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), INVALID.len() + malformed().len());
        assert!(all.iter().all(|c| !c.message.is_empty()));
        // Invalid ones decode (they break validation only), and wasmparser agrees they
        // are rejected.
        for c in &all {
            let parsed = wasmparser::Validator::new_with_features(
                wasmparser::WasmFeatures::WASM2 | wasmparser::WasmFeatures::GC_TYPES,
            )
            .validate_all(&c.module);
            assert!(parsed.is_err(), "wasmparser accepts {}: {}", c.rule, c.what);
        }
    }

    #[test]
    fn broken_modules_are_rejected_by_the_oracle() {
        let mut rejected = 0;
        let mut made = 0;
        for seed in 0..300 {
            let Ok(g) = crate::smith::generate(seed, &oracle::Proposal::WASM2) else {
                continue;
            };
            let Some((bytes, rule)) = break_one(&g.bytes, seed) else {
                continue;
            };
            made += 1;
            let ok = oracle::binary::decode(&bytes)
                .ok()
                .is_some_and(|m| oracle::valid::validate(&m).is_ok());
            if !ok {
                rejected += 1;
            } else {
                // Only a cut at a section boundary may stay valid.
                assert_eq!(rule, "Bmodule", "seed {seed}");
            }
        }
        assert!(made > 200, "{made}");
        assert!(rejected * 10 > made * 9, "{rejected} of {made}");
    }

    #[test]
    fn the_script_has_one_commented_assertion_per_case() {
        let all = catalogue().unwrap();
        let text = to_wast("t", &all);
        assert_eq!(text.matches("(assert_invalid").count(), INVALID.len());
        assert_eq!(text.matches("(assert_malformed").count(), malformed().len());
        assert!(text.contains(";; Instr_ok/binop: i32.add of an i64"));
        assert!(text.contains("\\00\\61\\73\\6d"));
    }
}
