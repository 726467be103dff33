#!/usr/bin/env bash
# Builds every fuzz target on stable Rust and runs each for SECONDS (default 60) on a seed
# corpus; any crash, leak past the limits or timeout fails. Then checks that a deliberately
# faulty engine is caught by `differential`. Used by .ci/run; runs locally as is.
#
#   [FUZZ_PROFILE=dev] bash fuzz/ci.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH="${1:-60}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

# Stable Rust: no sanitizer (`-s none`). By default `-O -a`: optimised, with debug
# assertions and overflow checks. FUZZ_PROFILE=dev builds `--dev` instead (dependencies
# optimised, this workspace's crates not, no single-codegen-unit rule): a cold build takes
# a third of the time, which is what CI needs; the targets then run slower.
if [ "${FUZZ_PROFILE:-release}" = dev ]; then
  cargo fuzz build -s none --dev
  BIN=target/x86_64-unknown-linux-gnu/debug
else
  cargo fuzz build -s none -O -a
  BIN=target/x86_64-unknown-linux-gnu/release
fi

# Seed corpora from the official suites, written by the harness itself.
SEEDS="$(mktemp -d)"
WORK="$(mktemp -d)"
trap 'rm -rf "$SEEDS" "$WORK"' EXIT
(cd .. && cargo run -q --features test-engines -- corpus export --libfuzzer "$SEEDS/modules" \
  --suite v2 --suite simd --max-len 4096 >/dev/null)
(cd .. && cargo run -q --features test-engines -- corpus export --libfuzzer "$SEEDS/scripts" \
  --suite v2 --suite simd --scripts >/dev/null)

run() {
  local target="$1"
  shift
  mkdir -p "$WORK/$target" "$WORK/artifacts-$target"
  echo "fuzz: $target for ${SECONDS_EACH}s"
  if ! "$BIN/$target" "$WORK/$target" "$@" -max_total_time="$SECONDS_EACH" -timeout=60 \
    -rss_limit_mb=4096 -artifact_prefix="$WORK/artifacts-$target/" -print_final_stats=1 \
    >"$WORK/$target.log" 2>&1; then
    grep -v '^#' "$WORK/$target.log" | tail -60
    echo "fuzz: $target crashed; the input:" >&2
    for a in "$WORK/artifacts-$target"/*; do
      [ -e "$a" ] && base64 -w0 "$a" && echo
    done
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$WORK/$target.log" |
    tr '\n' ' '
  echo
}

# The inputs that once crashed a target (each a regression test: it must run clean now).
for target in differential validate reduce; do
  if ! "$BIN/$target" seeds/regressions/"$target"/* >"$WORK/regressions-$target.log" 2>&1; then
    tail -40 "$WORK/regressions-$target.log"
    echo "fuzz: a regression input of $target crashes again" >&2
    exit 1
  fi
done
echo "fuzz: regression inputs run clean"

run differential "$SEEDS/modules" seeds/regressions/differential -max_len=4096
run validate "$SEEDS/modules" seeds/regressions/validate -max_len=4096 -malloc_limit_mb=256 -dict=wasm.dict
run wast "$SEEDS/scripts" -dict=wast.dict
run reduce seeds/reduce "$SEEDS/modules" -max_len=4096

# The faulty engine (i32.add computed as i32.xor) is a crash of `differential`.
if HARNESS_FUZZ_ENGINES=test-wrong-opcode "$BIN/differential" seeds/reduce/add-1.wasm \
  >"$WORK/faulty.log" 2>&1; then
  echo "fuzz: differential did not catch the faulty engine" >&2
  exit 1
fi
grep -q 'test-wrong-opcode deviates from the spec' "$WORK/faulty.log" || {
  tail -20 "$WORK/faulty.log"
  echo "fuzz: differential failed, but not on the faulty engine" >&2
  exit 1
}
echo "fuzz: differential catches the faulty engine"
