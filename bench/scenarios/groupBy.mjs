// Scenario `groupBy` (issue 4): see bench/README.md, "Scenarios and targets".
import { auth } from './helpers.mjs';

export default () => ({
  id: 'groupBy',
  title: 'groupBy=status over all rows (sequential)',
  mode: 'sequential',
  compare: 'exact',
  next(side, ctx) {
    return () => ({ method: 'GET', path: '/api/data/counterparty?groupBy=status', headers: auth(ctx) });
  },
  check: (body) => Array.isArray(JSON.parse(body).groups),
  target: { text: 'p50 < 300 ms', judge: (r) => r.p50 < 300 },
});
