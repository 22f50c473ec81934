#!/usr/bin/env node
// Top functions by self time in a V8 CPU profile (from `npm run bench -- --cpu-prof`),
// grouped by package or source file: where a server spends its time under load.
//
//   node bench/profile-summary.mjs bench/profiles/runtime-….cpuprofile [--top 25] [--last 20]
//   --last N: only the profile's last N seconds (the measured part, without the server's start)
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, last: { type: 'string' } } });
if (positionals.length === 0) {
  console.log('node bench/profile-summary.mjs <file.cpuprofile> [--top 25] [--last seconds]');
  process.exit(1);
}
for (const file of positionals) {
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const selfTime = new Map();
  // Sample times (µs from the start), to keep only the last --last seconds.
  let at = 0;
  const times = profile.timeDeltas.map((d) => (at += d));
  const from = values.last ? at - Number(values.last) * 1e6 : -Infinity;
  profile.samples.forEach((id, i) => {
    if (times[i] >= from) selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byArea = new Map();
  for (const node of profile.nodes) {
    const t = selfTime.get(node.id) ?? 0;
    if (t === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\//, '');
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1];
    const area = pkg ?? (where.includes('/server/dist/') ? `cardo: ${where.split('/server/dist/')[1]}` : where.startsWith('node:') ? 'node core' : where === '' ? functionName || '(native)' : where.split('/').slice(-2).join('/'));
    const key = `${functionName || '(anonymous)'} ${where.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + t);
    byArea.set(area, (byArea.get(area) ?? 0) + t);
  }
  const show = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(values.top))
      .map(([k, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled\nby package / file:\n${show(byArea)}\nby function:\n${show(byFunction)}\n`);
}
