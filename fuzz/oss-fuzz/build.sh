#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for harness's libFuzzer targets (fuzz/).
#
# Runs in the base-builder-rust image ($SRC, $OUT, $SANITIZER set; nightly Rust and
# cargo-fuzz on PATH). Outside it, `SRC=... OUT=... bash build.sh` works too: with
# SANITIZER=none (the default here) it builds on stable Rust without a sanitizer.
#
# For each target it writes to $OUT: the fuzzer, its seed corpus (the official 2.0 and
# SIMD suites' modules, or scripts for `wast`), its dictionary and an .options file.
# Wasmtime handles traps with signal handlers, so ASan must let it (as OSS-Fuzz's own
# wasmtime project does): allow_user_segv_handler=1, handle_segv=1, handle_sigill=0.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${HARNESS_ROOT:-$(cd "$HERE/../.." && pwd)}"
OUT="${OUT:?set OUT to the output directory}"
SANITIZER="${SANITIZER:-none}"
mkdir -p "$OUT"

cd "$ROOT/fuzz"
if [ "$SANITIZER" = "none" ]; then
  cargo fuzz build -s none -O --debug-assertions
else
  # OSS-Fuzz's RUSTFLAGS already carry the sanitizer; cargo fuzz adds the rest.
  cargo fuzz build -O --debug-assertions
fi
BUILT="$ROOT/fuzz/target/x86_64-unknown-linux-gnu/release"

# Seed corpora, written by the harness itself (a debug build without the fuzzing flags,
# in the workspace's own target directory).
SEEDS="$(mktemp -d)"
(cd "$ROOT" && env -u RUSTFLAGS -u CARGO_BUILD_TARGET cargo build --bin harness)
HARNESS="$ROOT/target/debug/harness"
"$HARNESS" corpus export --libfuzzer "$SEEDS/modules" --suite v2 --suite simd --max-len 4096
"$HARNESS" corpus export --libfuzzer "$SEEDS/scripts" --suite v2 --suite simd --scripts
cp "$ROOT"/fuzz/seeds/reduce/*.wasm "$ROOT"/fuzz/seeds/regressions/*/*.wasm "$SEEDS/modules/"

for target in differential validate wast reduce; do
  cp "$BUILT/$target" "$OUT/"
  if [ "$target" = wast ]; then
    (cd "$SEEDS/scripts" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    cp "$ROOT/fuzz/wast.dict" "$OUT/$target.dict"
    max_len=16384
  else
    (cd "$SEEDS/modules" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    cp "$ROOT/fuzz/wasm.dict" "$OUT/$target.dict"
    max_len=4096
  fi
  cat >"$OUT/$target.options" <<OPTIONS
[libfuzzer]
max_len = $max_len
dict = $target.dict

[asan]
allow_user_segv_handler = 1
handle_segv = 1
handle_sigill = 0
OPTIONS
done
rm -rf "$SEEDS"
