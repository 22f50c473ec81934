// Server problems (file + JSON pointer) placed at the control that edits what they point at.
import type { MetadataProblem } from '../types.js';

/** A JSON pointer (RFC 6901) from its segments. */
export const pointerOf = (...segments: ReadonlyArray<string | number>): string => segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** The messages of problems at `pointer`, and with `deep` also those below it. */
export function problemsAt(problems: readonly MetadataProblem[], pointer: string, deep = false): string[] {
  return problems.filter((p) => p.pointer === pointer || (deep && p.pointer.startsWith(`${pointer}/`))).map((p) => p.message);
}
