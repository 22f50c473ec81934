// The one list of benchmark scenarios: `npm run bench` runs them in this order and prints one
// table row each. A scenario is one module here — add yours with one import and one entry.
//
// A module's default export is a factory `() => scenario` (a fresh object per run: scenarios
// keep their state in `this`). Two kinds of scenario:
//
// 1. Runtime against the hand-written baseline (the default):
//   { id, title, mode: 'load' | 'sequential',
//     prepare(ctx)            — one-off setup (sample ids, pick filters); may return a skip reason
//     next(side, ctx) → (context) => {method, path, headers, body}   — the request generator
//     onResponse(side)?       — sees each response (e.g. to learn new versions)
//     check?(body)            — sequential mode: is the answer right
//     compare: 'exact' | 'keys' — how the runtime's and the baseline's JSON must agree
//     target: { text, judge(runtime, baseline, single, extra) → boolean | null }   — null: report only
//     single?: true           — also measure at 1 connection (latency without queueing)
//     extra?(ctx)             — more measurements after the main ones, handed to judge
//     baselineRoutes?(app, b) — the hand-written endpoints this scenario needs in baseline.mjs
//                               (b: { pool, query, prepared, transaction, HttpError, ownersFor, scopeSql }) }
//
// 2. A measurement of its own (scale-out, memory, metadata apply under load…):
//   { id, title, prepare?(ctx), measure(ctx) → { runtime?, baseline?, ratio?, figures?, detail?, target, result, pass } }
//   `runtime`/`baseline` are {rps, p50, p99} when they apply; `figures` is a short text for the
//   table's "runtime figure" column when req/s does not fit (e.g. "RSS 182 MB").
//
// ctx: { token, pool, gen, rows, owners, runtimeUrl, runtime, baseline, results (Map id → row), benchUrl,
//        opt: {duration, connections, warmup, rounds, long, scale, reuse}, login(login, password), log,
//        startRuntime(env?) → a further runtime process, takeIndex() }
import get from './get.mjs';
import list from './list.mjs';
import total from './total.mjs';
import scoped from './scoped.mjs';
import search from './search.mjs';
import create from './create.mjs';
import patch from './patch.mjs';
import groupBy from './groupBy.mjs';
import apply from './apply.mjs';
import scaleOut from './scale-out.mjs';
import memory from './memory.mjs';
import { planFact, forecast, exportXlsx } from './reports.mjs';
import workflows from './workflows.mjs';
import notifications from './notifications.mjs';
import automations from './automations.mjs';

export const SCENARIOS = [get, list, total, scoped, search, create, patch, groupBy, apply, scaleOut, memory, planFact, forecast, exportXlsx, workflows, notifications, automations];

export function defineScenarios() {
  return SCENARIOS.map((factory) => factory());
}
