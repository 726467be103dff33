#!/usr/bin/env python3
"""A worked example of a custom engine for `harness` (docs/engine-protocol.md).

It speaks each of the three protocols, and runs WebAssembly by adapting another engine's
command line: here the `harness` binary itself with its bundled `wasmi` engine (the
harness passes its own path in $HARNESS). To plug in your engine, replace `run_plan`,
`run_script` and `run_start` with calls to it; the protocol handling stays as it is.

Usage (as an engine file's command):
    example_engine.py invoke              # one request per line on stdin, one reply each
    example_engine.py wast SCRIPT.wast    # one outcome line per command of the script
    example_engine.py command MODULE.wasm # run _start; exit status is the verdict
    ... --fault hang|garbage|crash        # misbehave on purpose (the harness's own tests)
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HARNESS = os.environ.get("HARNESS", "harness")
ENGINE = os.environ.get("EXAMPLE_ENGINE_BACKEND", "wasmi")


def fault(kind):
    """Misbehave as asked: never answer, answer nonsense, or die of a signal."""
    if kind == "hang":
        while True:
            time.sleep(60)
    if kind == "garbage":
        print("Segmentation fault? No: this line is not JSON", flush=True)
        sys.exit(0)
    if kind == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)


def run_plan(module, plan, limits):
    """The invoke protocol's work: module path and plan in, the observation out."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(plan, f)
        plan_path = f.name
    try:
        timeout = max(limits.get("step_timeout_ms", 10000) / 1000.0, 0.001)
        out = subprocess.run(
            [HARNESS, "diff", module, "--plan", plan_path, "--engine", ENGINE, "--json",
             "--fuel", str(limits.get("fuel", 100000000)), "--timeout", str(timeout)],
            capture_output=True, text=True, check=False)
    finally:
        os.unlink(plan_path)
    if not out.stdout.strip():
        # The backend could not run at all: say so as a crash of this engine.
        return {"instantiation": {"outcome": "crash", "message": out.stderr.strip()[-300:]}}
    report = json.loads(out.stdout)
    obs = next(o for o in report["observations"] if o["engine"] == ENGINE)
    # `harness diff --json` wraps each outcome in a step; the protocol wants the outcomes.
    return {
        "instantiation": obs["instantiation"]["outcome"],
        "invocations": [s["outcome"] for s in obs["invocations"]],
        "final_state": obs.get("final_state"),
    }


def run_plan_dumping(module, plan, limits, memory_dir):
    """run_plan, with each memory's bytes written to a file in `memory_dir` (the request's
    optional key, sent because the engine file says `memory-contents = true`).

    `harness diff --json` does not print memory contents, so this runs the backend in the
    harness's worker, which writes them where it is told (`dump_dir`) and names the files."""
    job = {"job": "plan", "engine": ENGINE, "module": os.path.abspath(module), "plan": plan,
           "limits": {"fuel": limits.get("fuel", 100000000),
                      "step_timeout_ms": limits.get("step_timeout_ms", 10000),
                      "worker_memory": 4 << 30, "max_memory": 1 << 30, "max_table": 10000000},
           "dump_dir": memory_dir}
    proc = subprocess.run([HARNESS, "worker"], input=json.dumps(job), text=True,
                          capture_output=True, check=False)
    reply = {"invocations": []}
    for line in proc.stdout.splitlines():
        event = json.loads(line)
        if event["event"] == "instantiated":
            reply["instantiation"] = event["step"]["outcome"]
        elif event["event"] == "invoked":
            reply["invocations"].append(event["step"]["outcome"])
        elif event["event"] == "final" and event.get("state") is not None:
            state = event["state"]
            for memory, path in zip(state["memories"], event.get("dumps", [])):
                if path:
                    memory["file"] = path
            reply["final_state"] = state
    if "instantiation" not in reply:
        return {"instantiation": {"outcome": "crash", "message": proc.stderr.strip()[-300:]}}
    return reply


def serve_invoke():
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("protocol") != "harness-invoke/1":
            print(json.dumps({"instantiation": {
                "outcome": "crash", "message": "unknown protocol " + str(request.get("protocol"))}}),
                flush=True)
            continue
        limits = request.get("limits", {})
        if request.get("memory_dir"):
            reply = run_plan_dumping(request["module"], request["plan"], limits,
                                     request["memory_dir"])
        else:
            reply = run_plan(request["module"], request["plan"], limits)
        print(json.dumps(reply), flush=True)


def run_script(script):
    """The wast protocol's work: one {"index", "outcome"} line per command."""
    job = {"job": "script", "engine": ENGINE, "script": os.path.abspath(script),
           "limits": {"fuel": 100000000, "step_timeout_ms": 10000, "worker_memory": 4 << 30,
                      "max_memory": 1 << 30, "max_table": 10000000}}
    # The harness's worker already prints exactly the protocol's lines for a script job.
    proc = subprocess.run([HARNESS, "worker"], input=json.dumps(job), text=True,
                          capture_output=True, check=False)
    sys.stdout.write(proc.stdout)
    sys.stdout.flush()
    return 0 if proc.returncode == 0 else 1


def wasi_runtime():
    """A runtime with WASI's proc_exit for self-checking modules: $EXAMPLE_WASI_RUNTIME, or
    the wasmtime CLI (`wasmtime run`)."""
    named = os.environ.get("EXAMPLE_WASI_RUNTIME")
    if named:
        return [named]
    for c in [shutil.which("wasmtime"), "/opt/harness-engines/bin/wasmtime"]:
        if c and os.path.exists(c):
            return [c, "run"]
    return None


def run_start(module):
    """The command protocol's work: run _start; exit 0 when it returns.

    The harness sends self-checking modules (they import WASI's proc_exit and exit with
    the number of the first step that went wrong): those run on a WASI runtime, whose exit
    status and standard error go back as they are."""
    with open(module, "rb") as f:
        if b"wasi_snapshot_preview1" in f.read():
            runtime = wasi_runtime()
            if runtime is None:
                sys.stderr.write("no WASI runtime for a self-checking module "
                                 "(set EXAMPLE_WASI_RUNTIME or install the wasmtime CLI)\n")
                return 126
            env = dict(os.environ, RUST_BACKTRACE="0")
            return subprocess.run(runtime + [module], env=env, check=False).returncode
    out = subprocess.run(
        [HARNESS, "diff", module, "--engine", ENGINE, "--json", "--invoke", "_start"],
        capture_output=True, text=True, check=False)
    if not out.stdout.strip():
        sys.stderr.write(out.stderr)
        return 125
    report = json.loads(out.stdout)
    obs = next(o for o in report["observations"] if o["engine"] == ENGINE)
    inst = obs["instantiation"]["outcome"]
    if inst["outcome"] != "instantiated":
        sys.stderr.write("instantiation: %s\n" % json.dumps(inst))
        return 126
    step = obs["invocations"][0]["outcome"]
    if step["outcome"] != "return":
        sys.stderr.write("_start: %s\n" % json.dumps(step))
        return 1
    return 0


def main(argv):
    args = list(argv)
    if "--fault" in args:
        i = args.index("--fault")
        kind = args[i + 1]
        del args[i:i + 2]
        if args and args[0] == "invoke":
            sys.stdin.readline()
        fault(kind)
    if not args:
        sys.exit(__doc__)
    mode, rest = args[0], args[1:]
    if mode == "invoke":
        serve_invoke()
        return 0
    if mode == "wast" and len(rest) == 1:
        return run_script(rest[0])
    if mode == "command" and len(rest) == 1:
        return run_start(rest[0])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
