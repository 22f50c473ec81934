// UUID v7 layout (RFC 9562 §5.7) from a caller-supplied timestamp and random bytes, so a
// seeded generator yields the same ids every run.

/** `ms`: Unix milliseconds (48 bits); `random`: at least 10 bytes (74 bits are used). */
export function toUuidV7(ms: number, random: ArrayLike<number>): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`timestamp out of range: ${ms}`);
  if (random.length < 10) throw new RangeError('UUID v7 needs 10 random bytes');
  const rand = (i: number): number => (random[i] ?? 0) & 0xff;
  const bytes = new Array<number>(16);
  const high = Math.floor(ms / 2 ** 16);
  const low = ms % 2 ** 16;
  bytes[0] = (high >>> 24) & 0xff;
  bytes[1] = (high >>> 16) & 0xff;
  bytes[2] = (high >>> 8) & 0xff;
  bytes[3] = high & 0xff;
  bytes[4] = (low >>> 8) & 0xff;
  bytes[5] = low & 0xff;
  bytes[6] = 0x70 | (rand(0) & 0x0f); // version 7
  bytes[7] = rand(1);
  bytes[8] = 0x80 | (rand(2) & 0x3f); // variant 10
  for (let i = 3; i < 10; i++) bytes[i + 6] = rand(i);
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Milliseconds encoded in a UUID v7. */
export function uuidV7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
