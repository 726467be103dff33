//! What a module declares, read with wasmparser: its imports, exported functions, and which
//! proposals it needs. (Engines and the harness may share wasmparser; the oracle never does.)

use oracle::{ExportedFunc, FuncType, HeapType, Proposal, RefType, ValType};
use wasmparser::{Parser, Payload, TypeRef, Validator, WasmFeatures};

/// An import's kind, as far as the standard host cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// A function of this type.
    Func(FuncType),
    /// A global.
    Global,
    /// A table.
    Table,
    /// A memory.
    Memory,
    /// A tag (exceptions).
    Tag,
}

/// One import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// What it is.
    pub kind: ImportKind,
}

/// What the harness reads from a module before running it.
#[derive(Clone, Debug, Default)]
pub struct ModuleInfo {
    /// Imports, in order.
    pub imports: Vec<Import>,
    /// Exported functions with their types, in export order.
    pub funcs: Vec<ExportedFunc>,
    /// Names of exported non-function items.
    pub other_exports: Vec<String>,
    /// The smallest set of proposals under which the module validates.
    pub proposals: Vec<Proposal>,
}

/// The module could not be inspected.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// It does not validate under any proposal the harness knows.
    #[error("{0}")]
    Invalid(String),
}

/// The wasmparser feature set for a list of proposals (the MVP always included).
pub fn features_of(proposals: &[Proposal]) -> WasmFeatures {
    let mut f = WasmFeatures::MVP;
    for p in proposals {
        f |= match p {
            Proposal::MutableGlobal => WasmFeatures::MUTABLE_GLOBAL,
            Proposal::SignExtension => WasmFeatures::SIGN_EXTENSION,
            Proposal::SaturatingFloatToInt => WasmFeatures::SATURATING_FLOAT_TO_INT,
            Proposal::MultiValue => WasmFeatures::MULTI_VALUE,
            Proposal::BulkMemory => WasmFeatures::BULK_MEMORY,
            Proposal::ReferenceTypes => WasmFeatures::REFERENCE_TYPES,
            Proposal::Simd => WasmFeatures::SIMD,
            Proposal::RelaxedSimd => WasmFeatures::RELAXED_SIMD,
            Proposal::TailCall => WasmFeatures::TAIL_CALL,
            Proposal::MultiMemory => WasmFeatures::MULTI_MEMORY,
            Proposal::Memory64 => WasmFeatures::MEMORY64,
            Proposal::ExtendedConst => WasmFeatures::EXTENDED_CONST,
            Proposal::FunctionReferences => WasmFeatures::FUNCTION_REFERENCES,
            Proposal::Gc => WasmFeatures::GC,
            Proposal::Exceptions => WasmFeatures::EXCEPTIONS,
            Proposal::Threads => WasmFeatures::THREADS,
            Proposal::CustomPageSizes => WasmFeatures::CUSTOM_PAGE_SIZES,
            Proposal::WideArithmetic => WasmFeatures::WIDE_ARITHMETIC,
        };
    }
    f
}

/// Validates under exactly these proposals.
pub fn validate(module: &[u8], proposals: &[Proposal]) -> Result<(), String> {
    Validator::new_with_features(features_of(proposals))
        .validate_all(module)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The smallest set of proposals under which the module validates, or why it validates
/// under none. Greedy: starting from all, each proposal is dropped when the module still
/// validates without it.
///
/// A module that validates under WebAssembly 2.0 (the first proposals of
/// [`Proposal::ALL`]) starts from those: validity only grows with the proposals, so the
/// greedy pass would drop every later one anyway. That is 8 validations instead of 20 for
/// what a campaign generates.
pub fn required_proposals(module: &[u8]) -> Result<Vec<Proposal>, String> {
    let wasm2 = &Proposal::ALL[..Proposal::WASM2.len()];
    debug_assert_eq!(wasm2, &Proposal::WASM2[..]);
    let start: &[Proposal] = if validate(module, wasm2).is_ok() {
        wasm2
    } else {
        validate(module, &Proposal::ALL)?;
        &Proposal::ALL
    };
    greedy(module, start)
}

/// The greedy pass of [`required_proposals`] from `start`, under which the module
/// validates.
fn greedy(module: &[u8], start: &[Proposal]) -> Result<Vec<Proposal>, String> {
    let mut kept: Vec<Proposal> = start.to_vec();
    // Later proposals first: they imply earlier ones (gc needs reference types, ...).
    for p in start.iter().rev() {
        let without: Vec<Proposal> = kept.iter().copied().filter(|q| q != p).collect();
        if validate(module, &without).is_ok() {
            kept = without;
        }
    }
    Ok(kept)
}

/// Whether an engine implementing `supported` can run the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Support {
    /// It validates under the engine's proposals.
    Supported,
    /// It needs these proposals, which the engine lacks (none named when the engine lacks
    /// only part of a proposal), and why.
    Unsupported(Vec<Proposal>, String),
    /// It validates under no proposal set: the engine must reject it, so it runs.
    Invalid,
}

/// Decides [`Support`] for an engine's proposal list.
pub fn support(module: &[u8], supported: &[Proposal]) -> Support {
    support_features(module, features_of(supported), supported)
}

/// Decides [`Support`] for an engine that validates with `features` and declares
/// `supported` (the two differ when an engine implements part of a proposal).
pub fn support_features(module: &[u8], features: WasmFeatures, supported: &[Proposal]) -> Support {
    let Err(reason) = Validator::new_with_features(features).validate_all(module) else {
        return Support::Supported;
    };
    match required_proposals(module) {
        Ok(needed) => {
            let missing: Vec<Proposal> = needed
                .into_iter()
                .filter(|p| !supported.contains(p))
                .collect();
            let reason = if missing.is_empty() {
                format!("the engine implements only part of a proposal the module uses: {reason}")
            } else {
                let names: Vec<&str> = missing.iter().map(|p| p.name()).collect();
                format!(
                    "the module needs {}, which this engine does not implement",
                    names.join(", ")
                )
            };
            Support::Unsupported(missing, reason)
        }
        Err(_) => Support::Invalid,
    }
}

fn heap_type(
    h: wasmparser::HeapType,
    resolve: &dyn Fn(wasmparser::types::CoreTypeId) -> Option<u32>,
) -> HeapType {
    use wasmparser::{AbstractHeapType as A, HeapType as H};
    match h {
        H::Concrete(idx) | H::Exact(idx) => HeapType::Concrete(
            idx.as_module_index()
                .or_else(|| idx.as_core_type_id().and_then(resolve))
                .unwrap_or(u32::MAX),
        ),
        H::Abstract { ty, .. } => match ty {
            A::Func => HeapType::Func,
            A::Extern => HeapType::Extern,
            A::Any => HeapType::Any,
            A::None => HeapType::None,
            A::NoExtern => HeapType::NoExtern,
            A::NoFunc => HeapType::NoFunc,
            A::Eq => HeapType::Eq,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::I31 => HeapType::I31,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            A::Cont | A::NoCont => HeapType::Any,
        },
    }
}

/// Converts a wasmparser value type; `resolve` maps a canonical type id back to the
/// module's type index.
pub fn val_type(
    t: wasmparser::ValType,
    resolve: &dyn Fn(wasmparser::types::CoreTypeId) -> Option<u32>,
) -> ValType {
    match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(RefType {
            nullable: r.is_nullable(),
            heap: heap_type(r.heap_type(), resolve),
        }),
    }
}

/// The exported functions of a module that stays within `proposals` and imports only
/// what the standard host provides (a case the harness can run on every engine of those
/// proposals); why not, otherwise.
pub fn runnable_exports(
    module: &[u8],
    proposals: &[Proposal],
) -> Result<Vec<ExportedFunc>, String> {
    let info = inspect(module).map_err(|e| e.to_string())?;
    if let Some(p) = info.proposals.iter().find(|p| !proposals.contains(p)) {
        return Err(format!("it uses {}, which is left out", p.name()));
    }
    if let Some(i) = info.imports.iter().find(|i| !crate::host::provides(i)) {
        return Err(format!(
            "it imports {}.{}, which the standard host lacks",
            i.module, i.name
        ));
    }
    Ok(info.funcs)
}

/// Reads imports, exported functions and needed proposals. The module must validate under
/// some proposal set the harness knows.
pub fn inspect(module: &[u8]) -> Result<ModuleInfo, InspectError> {
    let proposals = required_proposals(module).map_err(InspectError::Invalid)?;
    let types = Validator::new_with_features(features_of(&proposals))
        .validate_all(module)
        .map_err(|e| InspectError::Invalid(e.to_string()))?;
    let types = types.as_ref();
    let resolve = |id| {
        (0..types.core_type_count_in_module()).find(|&i| types.core_type_at_in_module(i) == id)
    };
    let func_type = |id: wasmparser::types::CoreTypeId| {
        let f = types[id].unwrap_func();
        FuncType {
            params: f.params().iter().map(|t| val_type(*t, &resolve)).collect(),
            results: f.results().iter().map(|t| val_type(*t, &resolve)).collect(),
        }
    };
    let mut info = ModuleInfo {
        proposals,
        ..Default::default()
    };
    let bad = |e: wasmparser::BinaryReaderError| InspectError::Invalid(e.to_string());
    for payload in Parser::new(0).parse_all(module) {
        match payload.map_err(bad)? {
            Payload::ImportSection(reader) => {
                for group in reader {
                    for import in group.map_err(bad)? {
                        let (_, import) = import.map_err(bad)?;
                        let kind = match import.ty {
                            TypeRef::Func(idx) | TypeRef::FuncExact(idx) => {
                                ImportKind::Func(func_type(types.core_type_at_in_module(idx)))
                            }
                            TypeRef::Global(_) => ImportKind::Global,
                            TypeRef::Table(_) => ImportKind::Table,
                            TypeRef::Memory(_) => ImportKind::Memory,
                            TypeRef::Tag(_) => ImportKind::Tag,
                        };
                        info.imports.push(Import {
                            module: import.module.into(),
                            name: import.name.into(),
                            kind,
                        });
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(bad)?;
                    match export.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                            let ty = func_type(types.core_function_at(export.index));
                            info.funcs.push(ExportedFunc {
                                name: export.name.into(),
                                ty,
                            });
                        }
                        _ => info.other_exports.push(export.name.into()),
                    }
                }
            }
            _ => {}
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starting from 2.0 gives what the greedy pass from every proposal gives.
    #[test]
    fn the_two_point_oh_shortcut_finds_the_same_proposals() {
        let modules = [
            "(module)",
            "(module (func (result i32 i32) i32.const 1 i32.const 2))",
            "(module (func (param v128) (result v128) local.get 0))",
            "(module (table 1 externref) (func (param i32) (result externref) (table.get (local.get 0))))",
            "(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))",
            "(module (func (result i64) (i64.extend8_s (i64.const 1))))",
            "(module (memory i64 1))",
            "(module (memory 1) (memory 1))",
            "(module (func $f (return_call $f)))",
            "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
            "(module (type (struct)) (func (result (ref null 0)) ref.null 0))",
            "(module (tag))",
            "(module (func (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0))))",
            "(module (func (param i32) (result i32 i32) (i32.add (local.get 0) (local.get 0)) (i32.const 0)))",
        ];
        for text in modules {
            let wasm = wat::parse_str(text).unwrap();
            let slow = validate(&wasm, &Proposal::ALL).and_then(|()| greedy(&wasm, &Proposal::ALL));
            assert_eq!(required_proposals(&wasm), slow, "{text}");
            assert!(slow.is_ok(), "{text}");
        }
        // A module valid under no proposal set says why, either way.
        let bad = wat::parse_str("(module (func (result i32)))").unwrap();
        assert!(required_proposals(&bad).is_err());
    }

    #[test]
    fn reads_exports_imports_and_proposals() {
        let wasm = wat::parse_str(
            r#"(module
                 (import "spectest" "print_i32" (func (param i32)))
                 (func (export "f") (param i64 f32) (result i32 i32) i32.const 1 i32.const 2)
                 (func (export "g") (param v128) (result i64) (i64.extend8_s (i64.const 1)))
                 (memory (export "m") 1))"#,
        )
        .unwrap();
        let info = inspect(&wasm).unwrap();
        assert_eq!(info.imports[0].name, "print_i32");
        assert_eq!(info.funcs.len(), 2);
        assert_eq!(info.funcs[0].ty.results, vec![ValType::I32, ValType::I32]);
        assert_eq!(info.other_exports, vec!["m".to_string()]);
        assert_eq!(
            info.proposals,
            vec![
                Proposal::SignExtension,
                Proposal::MultiValue,
                Proposal::Simd
            ]
        );
    }

    #[test]
    fn support_names_missing_proposals() {
        let wasm = wat::parse_str("(module (func (param v128)))").unwrap();
        assert_eq!(support(&wasm, &Proposal::WASM2), Support::Supported);
        assert!(
            matches!(support(&wasm, &[]), Support::Unsupported(p, _) if p == vec![Proposal::Simd])
        );
        let ext = wat::parse_str("(module (func (param externref)))").unwrap();
        let partial = features_of(&Proposal::WASM2).difference(WasmFeatures::GC_TYPES);
        assert!(
            matches!(support_features(&ext, partial, &Proposal::WASM2), Support::Unsupported(p, _) if p.is_empty())
        );
        assert_eq!(
            support(b"\0asm\x01\0\0\0\x01", &Proposal::ALL),
            Support::Invalid
        );
        assert!(inspect(b"garbage").is_err());
    }
}
