//! WebAssembly proposals (feature sets) an engine may or may not implement.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A proposal merged into (or on its way to) the spec. The 1.0 MVP is always assumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Proposal {
    /// Importing and exporting mutable globals (2.0).
    MutableGlobal,
    /// Sign-extension operators (2.0).
    SignExtension,
    /// Non-trapping float-to-int conversions (2.0).
    SaturatingFloatToInt,
    /// Multiple results and block parameters (2.0).
    MultiValue,
    /// Bulk memory operations (2.0).
    BulkMemory,
    /// Reference types (2.0).
    ReferenceTypes,
    /// Fixed-width SIMD (2.0).
    Simd,
    /// Relaxed SIMD (3.0).
    RelaxedSimd,
    /// Tail calls (3.0).
    TailCall,
    /// Multiple memories (3.0).
    MultiMemory,
    /// 64-bit memories (3.0).
    Memory64,
    /// Extended constant expressions (3.0).
    ExtendedConst,
    /// Typed function references (3.0).
    FunctionReferences,
    /// Garbage collection (3.0).
    Gc,
    /// Exception handling with `exnref` (3.0).
    Exceptions,
    /// Threads and atomics.
    Threads,
    /// Custom page sizes.
    CustomPageSizes,
    /// Wide arithmetic.
    WideArithmetic,
}

impl Proposal {
    /// Every proposal the harness knows.
    pub const ALL: [Proposal; 18] = [
        Proposal::MutableGlobal,
        Proposal::SignExtension,
        Proposal::SaturatingFloatToInt,
        Proposal::MultiValue,
        Proposal::BulkMemory,
        Proposal::ReferenceTypes,
        Proposal::Simd,
        Proposal::RelaxedSimd,
        Proposal::TailCall,
        Proposal::MultiMemory,
        Proposal::Memory64,
        Proposal::ExtendedConst,
        Proposal::FunctionReferences,
        Proposal::Gc,
        Proposal::Exceptions,
        Proposal::Threads,
        Proposal::CustomPageSizes,
        Proposal::WideArithmetic,
    ];

    /// The WebAssembly 2.0 feature set.
    pub const WASM2: [Proposal; 7] = [
        Proposal::MutableGlobal,
        Proposal::SignExtension,
        Proposal::SaturatingFloatToInt,
        Proposal::MultiValue,
        Proposal::BulkMemory,
        Proposal::ReferenceTypes,
        Proposal::Simd,
    ];

    /// The proposal's usual name.
    pub fn name(self) -> &'static str {
        match self {
            Proposal::MutableGlobal => "mutable-global",
            Proposal::SignExtension => "sign-extension",
            Proposal::SaturatingFloatToInt => "saturating-float-to-int",
            Proposal::MultiValue => "multi-value",
            Proposal::BulkMemory => "bulk-memory",
            Proposal::ReferenceTypes => "reference-types",
            Proposal::Simd => "simd",
            Proposal::RelaxedSimd => "relaxed-simd",
            Proposal::TailCall => "tail-call",
            Proposal::MultiMemory => "multi-memory",
            Proposal::Memory64 => "memory64",
            Proposal::ExtendedConst => "extended-const",
            Proposal::FunctionReferences => "function-references",
            Proposal::Gc => "gc",
            Proposal::Exceptions => "exceptions",
            Proposal::Threads => "threads",
            Proposal::CustomPageSizes => "custom-page-sizes",
            Proposal::WideArithmetic => "wide-arithmetic",
        }
    }
}

impl fmt::Display for Proposal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
