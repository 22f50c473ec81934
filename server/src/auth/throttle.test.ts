import { describe, expect, it } from '@jest/globals';
import { LoginThrottle } from './throttle.js';

function clock(start = 1_000_000) {
  const c = { now: start, advance: (ms: number) => (c.now += ms) };
  return c;
}

/** One failed login attempt; true when the throttle let it through. */
function fail(t: LoginThrottle, login: string, ip: string): boolean {
  const attempt = t.acquire(login, ip);
  if (attempt.ok) t.failed(login, ip);
  return attempt.ok;
}

describe('LoginThrottle', () => {
  it('refuses a login after five failures within the window, and lets one through when the oldest expires', () => {
    const c = clock();
    const t = new LoginThrottle({ maxFailures: 5, windowMs: 60_000 }, () => c.now);
    for (let i = 0; i < 5; i++) {
      expect(fail(t, 'a', `10.0.0.${i}`)).toBe(true);
      c.advance(1000);
    }
    expect(t.acquire('a', '10.0.1.1')).toEqual({ ok: false, retryAfterSeconds: 55 });
    c.advance(54_999);
    expect(t.acquire('a', '10.0.1.1').ok).toBe(false);
    c.advance(1);
    expect(fail(t, 'a', '10.0.1.1')).toBe(true);
    expect(t.acquire('a', '10.0.1.1').ok).toBe(false);
  });

  it('refuses an IP after five failures, whatever login it tries next', () => {
    const t = new LoginThrottle({ maxFailures: 5 });
    for (let i = 0; i < 5; i++) expect(fail(t, `user${i}`, '10.0.0.1')).toBe(true);
    expect(t.acquire('someone-else', '10.0.0.1').ok).toBe(false);
    expect(t.acquire('someone-else', '10.0.0.2').ok).toBe(true);
  });

  it('forgets a login\'s failures once its password is right', () => {
    const t = new LoginThrottle({ maxFailures: 3 });
    expect(fail(t, 'a', '1')).toBe(true);
    expect(fail(t, 'a', '2')).toBe(true);
    expect(t.acquire('a', '3').ok).toBe(true);
    t.succeeded('a');
    expect(fail(t, 'a', '4')).toBe(true);
    expect(fail(t, 'a', '5')).toBe(true);
    expect(fail(t, 'a', '6')).toBe(true);
    expect(t.acquire('a', '7').ok).toBe(false);
  });

  it('counts attempts at one login still in flight, so a burst cannot outrun the limit', () => {
    const t = new LoginThrottle({ maxFailures: 5 });
    const results = Array.from({ length: 50 }, (_, i) => t.acquire('a', `10.0.0.${i}`).ok);
    expect(results.filter(Boolean)).toHaveLength(5);
  });

  it('lets many users behind one IP log in at the same moment', () => {
    const t = new LoginThrottle({ maxFailures: 5 });
    const results = Array.from({ length: 50 }, (_, i) => t.acquire(`user${i}`, '10.0.0.1').ok);
    expect(results.every(Boolean)).toBe(true);
  });

  it('bounds memory by dropping the least recently used keys', () => {
    const c = clock();
    const t = new LoginThrottle({ maxFailures: 5, windowMs: 60_000, maxKeys: 100 }, () => c.now);
    for (let i = 0; i < 1000; i++) fail(t, `user${i}`, `ip${i}`);
    expect(t.size).toBeLessThanOrEqual(100);
    c.advance(61_000);
    fail(t, 'new', 'ip-new');
    expect(t.size).toBe(2);
  });
  describe('lockout', () => {
    it('locks a login for 15 minutes after 10 failures within 15 minutes, from any address and past the short window', () => {
      const c = clock();
      const t = new LoginThrottle({}, () => c.now);
      for (let i = 0; i < 10; i++) {
        expect(fail(t, 'a', `10.0.0.${i}`)).toBe(true);
        // Two failures a minute: never trips the five-a-minute throttle.
        c.advance(30_000);
      }
      expect(t.acquire('a', '10.9.9.9')).toEqual({ ok: false, retryAfterSeconds: 15 * 60 - 30 });
      c.advance(15 * 60_000 - 30_001);
      expect(t.acquire('a', '10.9.9.9').ok).toBe(false);
      c.advance(1);
      expect(t.acquire('a', '10.9.9.9').ok).toBe(true);
      expect(t.acquire('b', '10.9.9.8').ok).toBe(true);
    });

    it('counts only failures within the last 15 minutes', () => {
      const c = clock();
      const t = new LoginThrottle({}, () => c.now);
      for (let i = 0; i < 9; i++) {
        expect(fail(t, 'a', `10.0.0.${i}`)).toBe(true);
        c.advance(2 * 60_000);
      }
      // The first failure is now 18 minutes old: a tenth does not lock.
      expect(fail(t, 'a', '10.0.1.1')).toBe(true);
      c.advance(60_000);
      expect(t.acquire('a', '10.0.1.2').ok).toBe(true);
    });

    it('forgets failures after a successful login', () => {
      const c = clock();
      const t = new LoginThrottle({}, () => c.now);
      for (let i = 0; i < 9; i++) {
        fail(t, 'a', `10.0.0.${i}`);
        c.advance(30_000);
      }
      t.succeeded('a');
      fail(t, 'a', '10.0.1.1');
      c.advance(30_000);
      expect(t.acquire('a', '10.0.1.2').ok).toBe(true);
    });
  });
});
