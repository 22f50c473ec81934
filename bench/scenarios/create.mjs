// Scenario `create` (issue 4): see bench/README.md, "Scenarios and targets".
import { json, auth } from './helpers.mjs';

export default () => ({
  id: 'create',
  title: 'create, all duplicate rules checked',
  mode: 'load',
  single: true,
  compare: 'keys',
  async prepare(ctx) {
    this.owners = ctx.owners;
  },
  next(side, ctx) {
    // Fresh generator indexes for every request (shared by both sides): unique brand,
    // phone, e-mail and INN, so the block rules pass and every rule still runs its query.
    return () => {
      const index = ctx.takeIndex();
      const body = ctx.gen.counterpartyBody(index, this.owners[index % this.owners.length]);
      return { method: 'POST', path: '/api/data/counterparty?confirm=duplicates', headers: auth(ctx, { 'content-type': 'application/json' }), body: json(body) };
    };
  },
  target: { text: 'p50 @1 < 15 ms', judge: (r, b, single) => single.runtime.p50 < 15 },
});
