//! The byte stream and the value grammars of `5.1-binary.values.spectec`: bytes, LEB128
//! integers (`BuN`, `BsN`), floats (`BfN`), lists (`Blist`) and names (`Bname`).
//!
//! Like the reference interpreter, a section's content is read from the whole stream and
//! its size is checked afterwards; so every length is bounded by what is left of the
//! input, and the error messages are the spec test suite's.

use super::DecodeError;

/// `unexpected end of section or function`: the input ended inside a grammar rule.
pub(crate) const EOF: &str = "unexpected end of section or function";

/// A result of the decoder.
pub(crate) type Result<T> = std::result::Result<T, DecodeError>;

/// A position in the input.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Read limits as WebAssembly 3.0 does (see [`super::DecodeOptions`]).
    pub(crate) u64_limits: bool,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader {
            bytes,
            pos: 0,
            u64_limits: false,
        }
    }

    /// The offset of the next byte.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Whether the input is exhausted.
    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// How many bytes are left.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Moves to `pos`, which must be within the input (else: unexpected end).
    pub(crate) fn seek(&mut self, pos: usize) -> Result<()> {
        if pos > self.bytes.len() {
            return Err(self.eof());
        }
        self.pos = pos;
        Ok(())
    }

    /// An error at `offset`.
    pub(crate) fn err_at(&self, offset: usize, message: impl Into<String>) -> DecodeError {
        DecodeError {
            offset,
            message: message.into(),
        }
    }

    /// The input ended too early.
    pub(crate) fn eof(&self) -> DecodeError {
        self.err_at(self.bytes.len(), EOF)
    }

    /// The next byte, without consuming it.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    // Bbyte
    /// One byte.
    pub(crate) fn byte(&mut self) -> Result<u8> {
        let b = self.peek().ok_or_else(|| self.eof())?;
        self.pos += 1;
        Ok(b)
    }

    /// `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or_else(|| self.eof())?;
        let s = self.bytes.get(self.pos..end).ok_or_else(|| self.eof())?;
        self.pos = end;
        Ok(s)
    }

    /// A byte that must equal `expected` (`msg` otherwise).
    pub(crate) fn expect(&mut self, expected: u8, msg: &str) -> Result<()> {
        let at = self.pos;
        if self.byte()? != expected {
            return Err(self.err_at(at, msg));
        }
        Ok(())
    }

    // BuN(N)
    /// An unsigned LEB128 integer of `n` bits: at most `ceil(n / 7)` bytes, the unused
    /// bits of the last one zero.
    pub(crate) fn uleb(&mut self, n: u32) -> Result<u64> {
        // BuN
        crate::hit!("BuN");
        let mut result = 0u64;
        let mut shift = 0u32;
        let mut left = n as i32;
        loop {
            if left <= 0 {
                return Err(self.err_at(self.pos, "integer representation too long"));
            }
            let at = self.pos;
            let b = self.byte()?;
            if left < 7 && u32::from(b & 0x7f) >= 1 << left {
                return Err(self.err_at(at, "integer too large"));
            }
            if shift < 64 {
                result |= u64::from(b & 0x7f) << shift;
            }
            if b & 0x80 == 0 {
                return Ok(result);
            }
            shift += 7;
            left -= 7;
        }
    }

    // BsN(N)
    /// A signed LEB128 integer of `n` bits: at most `ceil(n / 7)` bytes, the unused
    /// bits of the last one a sign extension.
    pub(crate) fn sleb(&mut self, n: u32) -> Result<i64> {
        // BsN
        crate::hit!("BsN");
        let mut result = 0i64;
        let mut shift = 0u32;
        let mut left = n as i32;
        loop {
            if left <= 0 {
                return Err(self.err_at(self.pos, "integer representation too long"));
            }
            let at = self.pos;
            let b = self.byte()?;
            if left < 7 {
                let mask = ((-1i32 << (left - 1)) & 0x7f) as u8;
                let bits = b & mask;
                if bits != 0 && bits != mask {
                    return Err(self.err_at(at, "integer too large"));
                }
            }
            if shift < 64 {
                result |= i64::from(b & 0x7f) << shift;
            }
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    result |= -1i64 << shift;
                }
                return Ok(result);
            }
            left -= 7;
        }
    }

    // Bu32
    /// A `u32`.
    pub(crate) fn u32(&mut self) -> Result<u32> {
        // Bu32
        crate::hit!("Bu32");
        // 32 bits fit: `uleb(32)` never yields more.
        Ok(self.uleb(32)? as u32)
    }

    // Bi32 = BiN(32) = BsN(32), as bits
    /// An `i32` (signed LEB128), as its bits.
    ///
    /// The wasm-3.0 SpecTec source writes `Bi32 = BuN(32)`; the 2.0 grammar
    /// (`Bi32 = BiN(32)`) and the prose read a signed LEB128, as here and as every engine.
    pub(crate) fn i32(&mut self) -> Result<u32> {
        // Bi32
        crate::hit!("Bi32");
        // BiN
        crate::hit!("BiN");
        Ok(self.sleb(32)? as i32 as u32)
    }

    // Bi64 = BiN(64) = BsN(64), as bits
    /// An `i64` (signed LEB128), as its bits (see [`Reader::i32`] on `BiN`).
    pub(crate) fn i64(&mut self) -> Result<u64> {
        // Bi64
        crate::hit!("Bi64");
        // BiN
        crate::hit!("BiN");
        Ok(self.sleb(64)? as u64)
    }

    // Bs33
    /// An `s33`.
    pub(crate) fn s33(&mut self) -> Result<i64> {
        // Bs33
        crate::hit!("Bs33");
        self.sleb(33)
    }

    // Bf32
    /// An `f32`: its 4 bytes, little-endian.
    pub(crate) fn f32(&mut self) -> Result<u32> {
        // Bf32
        crate::hit!("Bf32");
        // BfN
        crate::hit!("BfN");
        let b = self.bytes(4)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(u32::from_le_bytes(a))
    }

    // Bf64
    /// An `f64`: its 8 bytes, little-endian.
    pub(crate) fn f64(&mut self) -> Result<u64> {
        // Bf64
        crate::hit!("Bf64");
        // BfN
        crate::hit!("BfN");
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A length (of a list, name, byte string, section or function): a `u32` that may
    /// not exceed what is left of the input, counted from the length's own first byte
    /// (the reference interpreter's bound; "length out of bounds" otherwise).
    pub(crate) fn len(&mut self) -> Result<usize> {
        let at = self.pos;
        let n = self.u32()?;
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n > self.bytes.len().saturating_sub(at) {
            return Err(self.err_at(at, "length out of bounds"));
        }
        Ok(n)
    }

    // Blist(BX)
    /// A list: its length, then that many elements. The capacity allocated up front is
    /// bounded by the input's size, never by the claimed length alone.
    pub(crate) fn list<T>(&mut self, mut f: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        // Blist
        crate::hit!("Blist");
        let n = self.len()?;
        let mut v = Vec::with_capacity(n.min(self.remaining()));
        for _ in 0..n {
            v.push(f(self)?);
        }
        Ok(v)
    }

    // Blist(Bbyte)
    /// A byte string: its length, then its bytes.
    pub(crate) fn byte_list(&mut self) -> Result<&'a [u8]> {
        // Blist
        crate::hit!("Blist");
        let n = self.len()?;
        self.bytes(n)
    }

    // Bname
    /// A name: a byte string that is valid UTF-8.
    pub(crate) fn name(&mut self) -> Result<String> {
        // Bname
        crate::hit!("Bname");
        let at = self.pos;
        let b = self.byte_list()?;
        match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(self.err_at(at, "malformed UTF-8 encoding")),
        }
    }

    // Btypeidx
    /// A type index.
    pub(crate) fn typeidx(&mut self) -> Result<u32> {
        crate::hit!("Btypeidx");
        self.u32()
    }

    // Bfuncidx
    /// A function index.
    pub(crate) fn funcidx(&mut self) -> Result<u32> {
        crate::hit!("Bfuncidx");
        self.u32()
    }

    // Btableidx
    /// A table index.
    pub(crate) fn tableidx(&mut self) -> Result<u32> {
        crate::hit!("Btableidx");
        self.u32()
    }

    // Bmemidx
    /// A memory index (of an export or a data segment; see [`Reader::zero_memidx`]).
    pub(crate) fn memidx(&mut self) -> Result<u32> {
        crate::hit!("Bmemidx");
        self.u32()
    }

    // Bmemidx (2.0: a reserved byte 0x00)
    /// The memory index of 2.0's memory instructions: a reserved zero byte.
    pub(crate) fn zero_memidx(&mut self) -> Result<u32> {
        crate::hit!("Bmemidx");
        self.expect(0x00, "zero byte expected")?;
        Ok(0)
    }

    // Bglobalidx
    /// A global index.
    pub(crate) fn globalidx(&mut self) -> Result<u32> {
        crate::hit!("Bglobalidx");
        self.u32()
    }

    // Belemidx
    /// An element segment index.
    pub(crate) fn elemidx(&mut self) -> Result<u32> {
        crate::hit!("Belemidx");
        self.u32()
    }

    // Bdataidx
    /// A data segment index.
    pub(crate) fn dataidx(&mut self) -> Result<u32> {
        crate::hit!("Bdataidx");
        self.u32()
    }

    // Blocalidx
    /// A local index.
    pub(crate) fn localidx(&mut self) -> Result<u32> {
        crate::hit!("Blocalidx");
        self.u32()
    }

    // Blabelidx
    /// A label index.
    pub(crate) fn labelidx(&mut self) -> Result<u32> {
        crate::hit!("Blabelidx");
        self.u32()
    }
}
