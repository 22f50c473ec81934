// Load generation: autocannon over loopback, bounded in time, with latencies recorded at
// full resolution (autocannon's own histogram counts whole milliseconds, too coarse for
// sub-millisecond reads), and a sequential mode for slow requests such as groupBy.
import autocannon from 'autocannon';

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function summarize(latencies, ok, failed, seconds, errors) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    latencies: sorted,
    requests: ok + failed,
    ok,
    failed,
    seconds,
    rps: ok / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    errors,
  };
}

/**
 * `next(context)` returns {method, path, headers, body?} for each request; `onResponse`
 * (optional) sees (status, body, context, headers) — the context is per connection, so a
 * request's data can be kept there until its response. Runs `warmup` seconds unmeasured first.
 */
export async function runLoad({ url, connections, duration, warmup = 0, next, onResponse, amount }) {
  const run = async (seconds, record, count) => {
    const latencies = [];
    let ok = 0;
    let failed = 0;
    const errors = new Map();
    const instance = autocannon({
      url,
      connections,
      // A number of requests instead of a time, when `amount` is given (the memory scenario).
      ...(count ? { amount: count } : { duration: seconds }),
      timeout: 30,
      requests: [
        {
          setupRequest(request, context) {
            const r = next(context);
            request.method = r.method;
            request.path = r.path;
            request.headers = r.headers;
            request.body = r.body;
            return request;
          },
          onResponse(status, body, context, headers) {
            if (status >= 300 && errors.size < 5) errors.set(`${status} ${String(body).slice(0, 300)}`, true);
            onResponse?.(status, body, context, headers);
          },
        },
      ],
    });
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) {
        ok++;
        if (record) latencies.push(responseTime);
      } else failed++;
    });
    const result = await instance;
    failed += result.errors + result.timeouts;
    if (result.errors > 0 && errors.size < 5) errors.set(`${result.errors} connection errors`, true);
    return summarize(latencies, ok, failed, result.duration, [...errors.keys()]);
  };
  if (warmup > 0) await run(warmup, false);
  return run(duration, true, amount);
}

/** Several measurements of the same thing as one: requests and seconds add up, latencies pool. */
export function mergeRuns(runs) {
  const latencies = [];
  for (const r of runs) for (const l of r.latencies) latencies.push(l);
  const ok = runs.reduce((a, r) => a + r.ok, 0);
  const failed = runs.reduce((a, r) => a + r.failed, 0);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  return summarize(latencies, ok, failed, seconds, [...new Set(runs.flatMap((r) => r.errors))].slice(0, 5));
}

/** One request at a time for `duration` seconds (at least `min`, at most `max` requests). */
export async function runSequential({ url, duration, next, min = 5, max = 200, check }) {
  const latencies = [];
  let ok = 0;
  let failed = 0;
  const errors = [];
  const started = performance.now();
  const context = {};
  for (let i = 0; i < max && (i < min || performance.now() - started < duration * 1000); i++) {
    const r = next(context);
    const t = performance.now();
    const res = await fetch(url + r.path, { method: r.method, headers: r.headers, body: r.body });
    const text = await res.text();
    const elapsed = performance.now() - t;
    if (res.ok && (!check || check(text))) {
      ok++;
      latencies.push(elapsed);
    } else {
      failed++;
      if (errors.length < 5) errors.push(`${res.status} ${text.slice(0, 300)}`);
    }
  }
  return summarize(latencies, ok, failed, (performance.now() - started) / 1000, errors);
}
