"""The harness's persistent driver for wasm3 (through PyPI's pywasm3): one JSON request per
line on standard input, one JSON reply per line on the protocol's output (protocol
`harness-driver/1`, docs/engine-protocol.md).

The harness appends probes to each module (runners/src/external/probe.rs) and calls them
instead of the module's own exports, so every value crosses as an integer: `i32:N` and
`i64:N` (decimal bits). wasm3 prints trap backtraces on the C library's standard output:
the protocol gets a descriptor of its own and standard output goes to standard error.
"""

import json
import os
import sys

import wasm3

PROTOCOL = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)

STACK = 1 << 20
env = wasm3.Environment()
instances = {}
host_calls = []

SPECTEST = [
    ("print", "v()", []),
    ("print_i32", "v(i)", ["i32"]),
    ("print_i64", "v(I)", ["i64"]),
    ("print_f32", "v(f)", ["f32"]),
    ("print_f64", "v(F)", ["f64"]),
    ("print_i32_f32", "v(if)", ["i32", "f32"]),
    ("print_f64_f64", "v(FF)", ["f64", "f64"]),
]


def float_bits(x, kind):
    import struct
    if kind == "f32":
        return str(struct.unpack("<I", struct.pack("<f", x))[0])
    return str(struct.unpack("<Q", struct.pack("<d", x))[0])


def logger(name, kinds):
    def log(*args):
        out = []
        for a, k in zip(args, kinds):
            if k == "i32":
                out.append(str(a & 0xFFFFFFFF))
            elif k == "i64":
                out.append(str(a & 0xFFFFFFFFFFFFFFFF))
            else:
                # Python floats: a signalling NaN argument may come back quieted.
                out.append(float_bits(a, k))
        host_calls.append({"func": name, "args": out})
    return log


def from_text(s):
    tag, _, v = s.partition(":")
    n = int(v)
    if tag == "i32":
        return n - (1 << 32) if n >= 1 << 31 else n
    if tag == "i64":
        return n - (1 << 64) if n >= 1 << 63 else n
    raise TypeError("wasm3 cannot pass " + s)


def error(e, **extra):
    reply = {"ok": False, "error": type(e).__name__, "message": str(e)}
    reply.update(extra)
    return reply


def instantiate(req):
    with open(req["module"], "rb") as f:
        data = f.read()
    try:
        module = env.parse_module(data)
    except Exception as e:  # malformed, or what wasm3 does not read
        return error(e, phase="compile")
    rt = env.new_runtime(STACK)
    try:
        rt.load(module)
    except Exception as e:
        return error(e, phase="compile")
    for name, sig, kinds in SPECTEST:
        try:
            module.link_function("spectest", name, sig, logger(name, kinds))
        except Exception:
            pass  # the module does not import it
    instances[req["id"]] = (rt, module)
    # wasm3 links imports and runs the start function when a function is first looked up:
    # the ping probe, looked up now, is where instantiation ends.
    try:
        ping = rt.find_function(req["ping"])
        ping()
    except Exception as e:
        del instances[req["id"]]
        msg = str(e)
        phase = "link" if ("import" in msg or "lookup" in msg) else "start"
        return error(e, phase=phase)
    return {"ok": True}


def invoke(req):
    rt, _ = instances[req["id"]]
    try:
        f = rt.find_function(req["export"])
    except Exception as e:
        reply = error(e)
        reply["error"] = "NoExport"
        return reply
    args = [from_text(a) for a in req["args"]]
    try:
        r = f(*args)
    except Exception as e:
        return error(e)
    if r is None:
        results = []
    elif isinstance(r, tuple):
        results = list(r)
    else:
        results = [r]
    kinds = f.ret_types
    out = []
    for v, k in zip(results, kinds):
        out.append(str(v & (0xFFFFFFFF if k == 1 else 0xFFFFFFFFFFFFFFFF)))
    return {"ok": True, "results": out}


def state(req):
    rt, _ = instances[req["id"]]
    memories = []
    for m in req.get("memories", []):
        mem = rt.get_memory(m["index"])
        path = os.path.join(req["dir"], "memory-%d.bin" % m["index"])
        with open(path, "wb") as f:
            # pywasm3 gives None for a memory of no pages.
            f.write(b"" if mem is None else bytes(mem))
        memories.append({"name": m["name"], "file": path})
    return {"ok": True, "memories": memories}


def handle(req):
    op = req.get("op")
    if op == "instantiate":
        return instantiate(req)
    if op == "invoke":
        return invoke(req)
    if op == "state":
        return state(req)
    if op == "reset":
        instances.clear()
        return {"ok": True}
    if op == "register":
        return {"ok": False, "error": "Unsupported", "message": "wasm3 cannot link modules to one another"}
    if op == "version":
        return {"ok": True, "version": wasm3.M3_VERSION}
    return {"ok": False, "error": "BadRequest", "message": "unknown op %s" % op}


for line in sys.stdin:
    if not line.strip():
        continue
    del host_calls[:]
    try:
        reply = handle(json.loads(line))
    except Exception as e:
        reply = error(e)
    reply["host_calls"] = list(host_calls)
    PROTOCOL.write(json.dumps(reply) + "\n")
    PROTOCOL.flush()
