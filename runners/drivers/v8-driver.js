// The harness's persistent driver for V8 (Node): one request per line on standard input,
// one JSON reply per line on standard output (protocol `harness-driver/1`, see
// docs/engine-protocol.md). The harness starts it with V8's tier flags, keeps it alive
// between runs, and restarts it when it dies or overruns its wall-clock limit.
//
// Values cross as text: `i32:N` / `i64:N` (decimal bits; an i64 becomes a BigInt),
// `null`, `extern:N`. Floats and v128 never cross: the harness generates a wrapper module
// (in WebAssembly) whose exports take and return them as integers of the same bits.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

const SPECTEST = process.argv[2];
let spectestModule = null;

let instances = new Map(); // id -> { module, exports, wrapper }
let registered = new Map(); // name -> exports
let hostCalls = [];
const externs = new Map(); // N -> object
const externIds = new WeakMap(); // object -> N

function externRef(n) {
  if (!externs.has(n)) {
    const o = { harnessExtern: n };
    externs.set(n, o);
    externIds.set(o, n);
  }
  return externs.get(n);
}

function fromText(s) {
  if (s === 'null') return null;
  const i = s.indexOf(':');
  const tag = s.slice(0, i);
  const v = s.slice(i + 1);
  if (tag === 'i32') return Number(BigInt.asIntN(32, BigInt(v)));
  if (tag === 'i64') return BigInt.asIntN(64, BigInt(v));
  if (tag === 'extern') return externRef(Number(v));
  throw new TypeError('cannot pass ' + s);
}

function toText(x) {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'number') return String(x >>> 0);
  if (typeof x === 'bigint') return BigInt.asUintN(64, x).toString();
  if (typeof x === 'object' && externIds.has(x)) return 'extern:' + externIds.get(x);
  return 'func';
}

function spectest() {
  if (spectestModule === null) {
    spectestModule = new WebAssembly.Module(fs.readFileSync(SPECTEST));
  }
  const log = {};
  for (const [name, tags] of [
    ['print', []],
    ['print_i32', ['i32']],
    ['print_i64', ['i64']],
    ['print_f32', ['i32']],
    ['print_f64', ['i64']],
    ['print_i32_f32', ['i32', 'i32']],
    ['print_f64_f64', ['i64', 'i64']],
  ]) {
    log[name] = (...args) => {
      hostCalls.push({ func: name, args: args.map(toText) });
    };
  }
  return new WebAssembly.Instance(spectestModule, { log }).exports;
}

let currentSpectest = null;

function errorReply(e) {
  const kind = e && e.constructor ? e.constructor.name : 'Error';
  return { ok: false, error: kind, message: String(e && e.message !== undefined ? e.message : e) };
}

function instantiate(req) {
  const bytes = fs.readFileSync(req.module);
  const t0 = process.hrtime.bigint();
  let module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    return Object.assign(errorReply(e), { phase: 'compile' });
  }
  const t1 = process.hrtime.bigint();
  if (currentSpectest === null) currentSpectest = spectest();
  const imports = { spectest: currentSpectest };
  for (const [name, exps] of registered) imports[name] = exps;
  let instance;
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    const phase = e instanceof WebAssembly.LinkError ? 'link' : 'start';
    return Object.assign(errorReply(e), { phase, compile_us: Number((t1 - t0) / 1000n) });
  }
  const t2 = process.hrtime.bigint();
  let wrapper = null;
  if (req.wrapper) {
    try {
      const w = new WebAssembly.Module(fs.readFileSync(req.wrapper));
      wrapper = new WebAssembly.Instance(w, { m: instance.exports }).exports;
    } catch (e) {
      return Object.assign(errorReply(e), { phase: 'wrapper' });
    }
  }
  instances.set(req.id, { exports: instance.exports, wrapper });
  return {
    ok: true,
    compile_us: Number((t1 - t0) / 1000n),
    instantiate_us: Number((t2 - t1) / 1000n),
  };
}

function lookup(id) {
  const inst = instances.get(id);
  if (!inst) throw new Error('no instance ' + id);
  return inst;
}

function invoke(req) {
  const inst = lookup(req.id);
  const f = inst.wrapper && typeof inst.wrapper[req.export] === 'function'
    ? inst.wrapper[req.export]
    : inst.exports[req.export];
  if (typeof f !== 'function') return { ok: false, error: 'NoExport', message: 'no function export ' + req.export };
  const args = req.args.map(fromText);
  let r;
  try {
    r = f(...args);
  } catch (e) {
    return errorReply(e);
  }
  const results = r === undefined ? [] : Array.isArray(r) ? r : [r];
  return { ok: true, results: results.map(toText) };
}

function getGlobal(req) {
  const inst = lookup(req.id);
  const getter = inst.wrapper && inst.wrapper['harness-global:' + req.export];
  if (typeof getter === 'function') {
    const r = getter();
    return { ok: true, results: (Array.isArray(r) ? r : [r]).map(toText) };
  }
  const g = inst.exports[req.export];
  if (!(g instanceof WebAssembly.Global)) return { ok: false, error: 'NoExport', message: 'no global export ' + req.export };
  return { ok: true, results: [toText(g.value)] };
}

function state(req) {
  const inst = lookup(req.id);
  const out = { ok: true, globals: [], memories: [], tables: [] };
  let k = 0;
  for (const [name, v] of Object.entries(inst.exports)) {
    if (v instanceof WebAssembly.Global && req.globals) {
      out.globals.push({ name, results: getGlobal({ id: req.id, export: name }).results });
    } else if (v instanceof WebAssembly.Memory && req.memories) {
      const file = path.join(req.dir, 'memory-' + k++ + '.bin');
      fs.writeFileSync(file, new Uint8Array(v.buffer));
      out.memories.push({ name, file });
    } else if (v instanceof WebAssembly.Table && req.tables) {
      let slots = '';
      for (let i = 0; i < v.length; i++) slots += v.get(i) === null ? '0' : '1';
      out.tables.push({ name, slots });
    }
  }
  return out;
}

function handle(req) {
  hostCalls = [];
  let reply;
  switch (req.op) {
    case 'instantiate': reply = instantiate(req); break;
    case 'invoke': reply = invoke(req); break;
    case 'get': reply = getGlobal(req); break;
    case 'state': reply = state(req); break;
    case 'register': {
      registered.set(req.as, lookup(req.id).exports);
      reply = { ok: true };
      break;
    }
    case 'reset':
      instances = new Map();
      registered = new Map();
      currentSpectest = null;
      reply = { ok: true };
      break;
    case 'version':
      reply = { ok: true, version: process.versions.v8, node: process.version };
      break;
    default:
      reply = { ok: false, error: 'BadRequest', message: 'unknown op ' + req.op };
  }
  reply.host_calls = hostCalls;
  return reply;
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let reply;
  try {
    reply = handle(JSON.parse(line));
  } catch (e) {
    reply = errorReply(e);
    reply.host_calls = hostCalls;
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
