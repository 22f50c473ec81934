import { CardoError } from '../errors.js';
import type { ChainStep } from './records.service.js';

/** How many automation or process steps deep a chain of writes may go (a user's write is level 0). */
export const MAX_CHAIN_DEPTH = 8;

/**
 * The chain a write set off by `step` carries. Refuses the whole write past MAX_CHAIN_DEPTH,
 * so automations and processes that trigger one another cannot loop forever.
 */
export function extendChain(chain: readonly ChainStep[], step: ChainStep): ChainStep[] {
  const steps = [...chain, step];
  if (chain.length >= MAX_CHAIN_DEPTH) {
    throw new CardoError('CARDO_ERR_AUTOMATION_LOOP', `The automations set off by this change go more than ${MAX_CHAIN_DEPTH} levels deep: ${steps.map((s) => `${s.automation} (${s.entity} ${s.recordId})`).join(' → ')}. Nothing was saved.`, { extra: { chain: steps } });
  }
  return steps;
}
