//! Reading a module from a file: binary `.wasm`, or text `.wat` turned into bytes at once.

use std::path::Path;

use anyhow::{Context, bail};

/// A module as read from a file.
pub struct Input {
    /// The binary.
    pub bytes: Vec<u8>,
    /// The text it came from, when it was text.
    pub text: Option<String>,
}

/// Reads a module; every failure is one line telling the user what to fix.
pub fn load_module(path: &Path) -> anyhow::Result<Input> {
    let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if raw.is_empty() {
        bail!(
            "{} is empty: expected a WebAssembly module, binary (.wasm) or text (.wat)",
            path.display()
        );
    }
    if raw.starts_with(b"\0asm") {
        return Ok(Input {
            bytes: raw,
            text: None,
        });
    }
    let Ok(text) = String::from_utf8(raw) else {
        bail!(
            "{} is not a WebAssembly module: a binary starts with the bytes \\0asm, and this is not UTF-8 text either",
            path.display()
        );
    };
    let bytes = wat::Parser::new()
        .parse_bytes(Some(path), text.as_bytes())
        .map_err(|e| {
            anyhow::anyhow!(
                "{} is not valid WebAssembly text: {}",
                path.display(),
                one_line(&e.to_string())
            )
        })?
        .into_owned();
    Ok(Input {
        bytes,
        text: Some(text),
    })
}

/// Folds a multi-line parser message (`--> file:line:col` and a caret) into one line.
fn one_line(msg: &str) -> String {
    let mut parts = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '|' || c == '^' || c == ' '));
    let first = parts.next().unwrap_or_default().to_string();
    let location = msg
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .map(str::to_string);
    match location {
        Some(loc) => format!("{first} (at {loc})"),
        None => first,
    }
}
