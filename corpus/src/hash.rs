//! Content addresses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The number of hex digits in a [`Hash`].
const HEX_LEN: usize = 64;

/// A SHA-256 content address: exactly 64 lowercase hexadecimal digits.
///
/// Parsing ([`FromStr`], and deserialisation, which goes through the same check)
/// accepts nothing else, so a hash given by a user can be joined to a path without
/// any risk of leaving the store (`../`, `/`, empty strings are all rejected).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hash(String);

/// A string that is not 64 lowercase hexadecimal digits.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a content hash (64 lowercase hexadecimal digits): {shown:?}")]
pub struct HashError {
    /// The rejected text, cut to a readable length.
    shown: String,
}

impl HashError {
    fn new(text: &str) -> HashError {
        const MAX: usize = 80;
        let shown = if text.chars().count() > MAX {
            let mut s: String = text.chars().take(MAX).collect();
            s.push('…');
            s
        } else {
            text.to_owned()
        };
        HashError { shown }
    }
}

impl Hash {
    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Hash {
        let digest = Sha256::digest(bytes);
        let mut s = String::with_capacity(HEX_LEN);
        for b in digest.iter() {
            s.push(hex_digit(b >> 4));
            s.push(hex_digit(b & 0xf));
        }
        Hash(s)
    }

    /// The 64 hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first two hex digits: the name of the store's fan-out directory.
    pub(crate) fn fan_out(&self) -> &str {
        // Always 64 ASCII characters, so this slice is in bounds and on a boundary.
        &self.0[..2]
    }
}

fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(nibble & 0xf)])
}

impl FromStr for Hash {
    type Err = HashError;

    fn from_str(s: &str) -> Result<Hash, HashError> {
        if s.len() == HEX_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Hash(s.to_owned()))
        } else {
            Err(HashError::new(s))
        }
    }
}

impl TryFrom<String> for Hash {
    type Error = HashError;

    fn try_from(s: String) -> Result<Hash, HashError> {
        s.parse()
    }
}

impl From<Hash> for String {
    fn from(h: Hash) -> String {
        h.0
    }
}

impl AsRef<str> for Hash {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_known_values() {
        assert_eq!(
            Hash::of(b"").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            Hash::of(b"abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parses_and_displays() {
        let h = Hash::of(b"module");
        let parsed: Hash = h.to_string().parse().unwrap();
        assert_eq!(parsed, h);
        assert_eq!(h.fan_out(), &h.as_str()[..2]);
    }

    #[test]
    fn rejects_anything_but_64_lowercase_hex_digits() {
        let good = Hash::of(b"x").to_string();
        let bad = [
            "".to_owned(),
            "../etc".to_owned(),
            "../etc/passwd".to_owned(),
            "/".to_owned(),
            good[..63].to_owned(),
            format!("{good}0"),
            good.to_uppercase(),
            format!("{}g", &good[..63]),
            format!("{}/", &good[..63]),
            format!("{}é", &good[..62]),
            format!("../{}", &good[..61]),
            " ".repeat(64),
        ];
        for b in &bad {
            assert!(b.parse::<Hash>().is_err(), "{b:?} was accepted");
        }
        let err = "x".repeat(1000).parse::<Hash>().unwrap_err();
        assert!(err.to_string().len() < 200);
    }

    #[test]
    fn serde_round_trip_checks_the_text() {
        let h = Hash::of(b"m");
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, format!("\"{h}\""));
        assert_eq!(serde_json::from_str::<Hash>(&json).unwrap(), h);
        assert!(serde_json::from_str::<Hash>("\"../etc\"").is_err());
        assert!(serde_json::from_str::<Hash>(&json.to_uppercase()).is_err());
    }
}
