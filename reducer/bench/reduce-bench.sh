#!/bin/sh
# Benchmark of `harness reduce` against `wasm-tools shrink` and Binaryen's `wasm-reduce`
# (see BENCHMARKS.md). Run from the repository root after `cargo build --features test-engines`:
#
#   reducer/bench/reduce-bench.sh OUT [FUNCTIONS] [COMPARATOR_TIMEOUT_S] [COMPARATOR_PROGRAMS]
#
# Writes OUT/results.tsv: program, tool, seconds, bytes, code bytes, functions, instructions.
set -u
OUT=$(realpath -m "$1")
FUNCS=${2:-450}
T=${3:-300}
NC=${4:-2}
H=$(pwd)/target/debug/harness
WT=${WASM_TOOLS:-wasm-tools}
mkdir -p "$OUT/programs"
cargo run -q -p reducer --example reduce_programs -- "$OUT/programs" 10 "$FUNCS" >/dev/null
stats() { cargo run -q -p reducer --example reduce_programs -- --stats "$1" | cut -d' ' -f2- | tr ' ' '\t'; }
printf 'program\ttool\tseconds\tbytes\tcode_bytes\tfunctions\tinstructions\n' > "$OUT/results.tsv"
i=0
for p in "$OUT"/programs/*.wasm; do
  name=$(basename "$p" .wasm)
  case $name in *divzero) engine=test-wrong-trap ;; *) engine=test-wrong-value ;; esac
  pred="$OUT/pred-$engine.sh"
  printf '#!/bin/sh\n"%s" diff --engine %s "$1" >/dev/null 2>&1\ntest $? -eq 1\n' "$H" "$engine" > "$pred"
  chmod +x "$pred"
  printf '%s\toriginal\t0\t%s\n' "$name" "$(stats "$p")" >> "$OUT/results.tsv"
  s=$(date +%s.%N)
  "$H" reduce "$p" --predicate "$pred" -o "$OUT/$name.harness.wasm" --json > "$OUT/$name.harness.json" 2>/dev/null
  e=$(date +%s.%N)
  printf '%s\tharness\t%.1f\t%s\n' "$name" "$(echo "$e - $s" | bc)" "$(stats "$OUT/$name.harness.wasm")" >> "$OUT/results.tsv"
  # The comparators on the first NC programs of each kind, each with a wall-clock cap.
  if [ $((i / 2)) -lt "$NC" ]; then
    d="$OUT/wasm-reduce-$name"; mkdir -p "$d"; cp "$p" "$d/w.wasm"
    s=$(date +%s.%N)
    (cd "$d" && timeout "$T" wasm-reduce -all -b /usr/bin/ "$p" "--command=$pred $d/t.wasm" -t "$d/t.wasm" -w "$d/w.wasm" > log 2>&1)
    e=$(date +%s.%N)
    printf '%s\twasm-reduce\t%.1f\t%s\n' "$name" "$(echo "$e - $s" | bc)" "$(stats "$d/w.wasm")" >> "$OUT/results.tsv"
    s=$(date +%s.%N)
    timeout "$T" "$WT" shrink "$pred" "$p" -o "$OUT/$name.shrink.wasm" > "$OUT/$name.shrink.log" 2>&1
    e=$(date +%s.%N)
    [ -f "$OUT/$name.shrink.wasm" ] || cp "$p" "$OUT/$name.shrink.wasm"
    printf '%s\twasm-tools-shrink\t%.1f\t%s\n' "$name" "$(echo "$e - $s" | bc)" "$(stats "$OUT/$name.shrink.wasm")" >> "$OUT/results.tsv"
  fi
  i=$((i + 1))
done
cat "$OUT/results.tsv"
