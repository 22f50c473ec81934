import { describe, expect, it } from '@jest/globals';
import type { CompiledModel } from '../src/compile/compile.js';
import { ModelHolder } from '../src/runtime/model-holder.js';

const modelA = { hash: 'a' } as CompiledModel;
const modelB = { hash: 'b' } as CompiledModel;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('ModelHolder: pausing requests for a destructive apply', () => {
  it('waits for the requests in flight, holds new ones, and gives them the model swapped in', async () => {
    const models = new ModelHolder(modelA);
    const events: string[] = [];
    expect(await models.enter()).toBe(modelA);
    expect(await models.enter()).toBe(modelA);
    const paused = models.pause(0).then((resume) => {
      events.push('paused');
      return resume;
    });
    const held = models.enter().then((model) => {
      events.push(`held request got ${model.hash}`);
      return model;
    });
    await tick();
    expect(events).toEqual([]);
    models.leave();
    await tick();
    expect(events).toEqual([]);
    models.leave();
    const resume = await paused;
    await tick();
    expect(events).toEqual(['paused']);
    models.swap(modelB);
    resume();
    expect(await held).toBe(modelB);
    expect(events).toEqual(['paused', 'held request got b']);
  });

  it('counts the caller’s own request, and goes ahead after the drain time for a request that does not end', async () => {
    const models = new ModelHolder(modelA);
    await models.enter();
    (await models.pause(1))();
    await models.enter();
    const started = Date.now();
    const resume = await models.pause(1, 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    resume();
    expect(await models.enter()).toBe(modelA);
  });

  it('runs two pauses one after the other', async () => {
    const models = new ModelHolder(modelA);
    const first = await models.pause(0);
    let second = false;
    const next = models.pause(0).then((resume) => {
      second = true;
      return resume;
    });
    await tick();
    expect(second).toBe(false);
    first();
    (await next)();
    expect(second).toBe(true);
  });
});
