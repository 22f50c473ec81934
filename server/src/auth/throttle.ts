/**
 * Brute-force brake for logins: at most `maxFailures` failed attempts per login and per client
 * IP within a sliding `windowMs`. Kept in memory: each app instance counts on its own, so N
 * instances allow up to N × maxFailures guesses a window — still far too slow to guess a
 * password, and no shared store to run. Restarting an instance forgets its counts.
 *
 * An attempt counts against its login from the moment it starts (and is forgiven when it
 * succeeds), so a burst of parallel guesses at one account cannot slip through while the first
 * ones are still being checked. Against the IP only finished failures count, so colleagues
 * behind one NAT address logging in at the same moment are not turned away.
 */
export interface LoginThrottleOptions {
  maxFailures: number;
  windowMs: number;
  /** Bounds memory when someone tries many different logins: the least recently used keys go first. */
  maxKeys: number;
  /**
   * Lockout (ASVS 2.2.1): `lockoutFailures` finished failures for one login within `lockoutWindowMs`
   * lock it for `lockoutMs`, whatever the address and even with the right password. Per instance too.
   */
  lockoutFailures: number;
  lockoutWindowMs: number;
  lockoutMs: number;
}

export const DEFAULT_THROTTLE: LoginThrottleOptions = {
  maxFailures: 5,
  windowMs: 60_000,
  maxKeys: 10_000,
  lockoutFailures: 10,
  lockoutWindowMs: 15 * 60_000,
  lockoutMs: 15 * 60_000,
};

export type Acquired = { ok: true } | { ok: false; retryAfterSeconds: number };

export class LoginThrottle {
  readonly #options: LoginThrottleOptions;
  readonly #now: () => number;
  /** key (`login:…`, `ip:…`) → times of recent failed or in-flight attempts, oldest first. */
  readonly #failures = new Map<string, number[]>();
  /** login → its finished failures within the lockout window, or the time its lock ends. */
  readonly #lockout = new Map<string, { failures: number[]; lockedUntil: number }>();

  constructor(options: Partial<LoginThrottleOptions> = {}, now: () => number = Date.now) {
    this.#options = { ...DEFAULT_THROTTLE, ...options };
    this.#now = now;
  }

  /** Refuses (with how long to wait), or lets the attempt through and counts it against the login until `succeeded`. */
  acquire(login: string, ip: string): Acquired {
    const now = this.#now();
    let wait = 0;
    const lock = this.#lockout.get(login);
    if (lock && lock.lockedUntil > now) wait = lock.lockedUntil - now;
    for (const key of [loginKey(login), ipKey(ip)]) {
      const times = this.#recent(key, now);
      if (times.length >= this.#options.maxFailures) {
        const freedAt = (times[times.length - this.#options.maxFailures] ?? now) + this.#options.windowMs;
        wait = Math.max(wait, freedAt - now);
      }
    }
    if (wait > 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    this.#record(loginKey(login), now);
    return { ok: true };
  }

  /** The attempt was wrong: it stays counted against the login and now counts against the IP. */
  failed(login: string, ip: string): void {
    const now = this.#now();
    this.#record(ipKey(ip), now);
    const lock = this.#lockout.get(login) ?? { failures: [], lockedUntil: 0 };
    lock.failures = lock.failures.filter((time) => time > now - this.#options.lockoutWindowMs);
    lock.failures.push(now);
    if (lock.failures.length >= this.#options.lockoutFailures) {
      lock.lockedUntil = now + this.#options.lockoutMs;
      lock.failures = [];
    }
    this.#lockout.delete(login);
    this.#lockout.set(login, lock);
    // Least recently failed first; a lock still running is dropped only under a flood of logins.
    for (const key of this.#lockout.keys()) {
      if (this.#lockout.size <= this.#options.maxKeys) break;
      this.#lockout.delete(key);
    }
  }

  /** The password was right: the login's failures are forgotten. */
  succeeded(login: string): void {
    this.#failures.delete(loginKey(login));
    this.#lockout.delete(login);
  }

  /** The number of keys tracked, for tests. */
  get size(): number {
    return this.#failures.size;
  }

  #record(key: string, now: number): void {
    const times = this.#recent(key, now);
    times.push(now);
    // Re-inserting moves the key to the end, so the Map stays ordered by last activity.
    this.#failures.delete(key);
    this.#failures.set(key, times);
    this.#bound(now);
  }

  #recent(key: string, now: number): number[] {
    const times = this.#failures.get(key);
    if (!times) return [];
    const from = now - this.#options.windowMs;
    while (times.length > 0 && (times[0] ?? 0) <= from) times.shift();
    // Only the newest maxFailures matter for the decision.
    if (times.length > this.#options.maxFailures) times.splice(0, times.length - this.#options.maxFailures);
    if (times.length === 0) this.#failures.delete(key);
    return times;
  }

  #bound(now: number): void {
    if (this.#failures.size <= this.#options.maxKeys) return;
    for (const key of [...this.#failures.keys()]) this.#recent(key, now);
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= this.#options.maxKeys) break;
      this.#failures.delete(key);
    }
  }
}

const loginKey = (login: string) => `login:${login}`;
const ipKey = (ip: string) => `ip:${ip}`;
