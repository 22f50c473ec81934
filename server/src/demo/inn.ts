// Russian taxpayer number (ИНН): 10 digits for organisations, 12 for individuals and
// sole proprietors; the last one or two digits are weighted checksums mod 11 mod 10.

const WEIGHTS_10 = [2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;

function checkDigit(digits: string, weights: readonly number[]): string {
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w * Number(digits[i]);
  });
  return String((sum % 11) % 10);
}

/** Completes 9 digits (organisation) or 10 digits (individual) with the check digits. */
export function withInnChecksum(body: string): string {
  if (!/^\d+$/.test(body)) throw new RangeError(`INN body must be digits: ${body}`);
  if (body.length === 9) return body + checkDigit(body, WEIGHTS_10);
  if (body.length === 10) {
    const eleven = body + checkDigit(body, WEIGHTS_11);
    return eleven + checkDigit(eleven, WEIGHTS_12);
  }
  throw new RangeError(`INN body must have 9 or 10 digits, got ${body.length}`);
}

export function isValidInn(inn: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(inn)) return false;
  return withInnChecksum(inn.slice(0, inn.length === 10 ? 9 : 10)) === inn;
}
