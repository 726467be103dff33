#!/usr/bin/env python3
"""The cost of one case per engine through `harness diff` (BENCHMARKS.md, "External engines").

    scripts/engine-case-cost.py RUNS ENGINE...

The case is examples/arith.wat with the same 9-call plan as runners/examples/engine_cost.rs.
For each engine: RUNS + 1 runs (the first is dropped), medians of the observation's
total_us, compile_us, instantiate_us, and of the whole `harness diff` wall clock.
$HARNESS names the binary (default target/debug/harness).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.environ.get("HARNESS", os.path.join(ROOT, "target/debug/harness"))
CALLS = [("add", [("i32", 1), ("i32", 2)]), ("mul64", [("i64", 1 << 40), ("i64", 3)]),
         ("rotl", [("i32", 1), ("i32", 33)]), ("clz", [("i64", 1)]),
         ("add", [("i32", 2**32 - 1), ("i32", 1)]),
         ("mul64", [("i64", 2**64 - 1), ("i64", 2**64 - 1)]),
         ("rotl", [("i32", 2**31), ("i32", 1)]), ("clz", [("i64", 0)]),
         ("add", [("i32", 7), ("i32", 8)])]


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    runs, engines = int(argv[0]), argv[1:]
    plan = {"version": 1, "invocations": [
        {"export": e, "args": [{"type": t, "value": str(v)} for t, v in a]} for e, a in CALLS]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(plan, f)
    module = os.path.join(ROOT, "examples/arith.wat")
    print("engine | whole run µs | compile µs | instantiate µs | whole harness diff ms | verdict")
    for engine in engines:
        rows = []
        for _ in range(runs + 1):
            t = time.time()
            out = subprocess.run([HARNESS, "diff", module, "--plan", f.name, "--engine", engine,
                                  "--json"], capture_output=True, text=True, check=False)
            wall = (time.time() - t) * 1e3
            report = json.loads(out.stdout)
            obs = next(o for o in report["observations"] if o["engine"] == engine)
            verdict = next(v for v in report["spec"]["engines"]
                           if v["engine"] == engine)["verdict"]["verdict"]
            t = obs["timings"]
            rows.append((t["total_us"], t["compile_us"], t["instantiate_us"], wall, verdict))
        rows = rows[1:]
        med = [statistics.median(r[i] for r in rows) for i in range(4)]
        print(f"{engine} | {med[0]:.0f} | {med[1]:.0f} | {med[2]:.0f} | {med[3]:.0f} | {rows[-1][4]}")
    os.unlink(f.name)


if __name__ == "__main__":
    main(sys.argv[1:])
