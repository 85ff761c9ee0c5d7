import { createHash, randomBytes } from 'node:crypto';
import type { Fault } from '../config';

const DEFAULT_LOCK_MS = 60_000;

/**
 * PJLink authentication on one device: each greeting's random, and the check of the MD5 digest of
 * random and password that the first command carries. Failed checks count towards an
 * `auth-lockout`, which then rejects even the right digest until the lock expires.
 */
export class PjlinkLogin {
  #failedLogins = 0;
  #lockedUntil = 0;

  constructor(private readonly password: string | undefined) {}

  /** A fresh random for a greeting, or undefined when the device has no password. */
  newChallenge(): string | undefined {
    return this.password === undefined ? undefined : randomBytes(4).toString('hex');
  }

  accepts(challenge: string, digest: string, fault: Fault | undefined): boolean {
    if (Date.now() < this.#lockedUntil) return false;
    if (digest === md5(`${challenge}${this.password}`)) return true;
    if (fault?.mode === 'auth-lockout' && ++this.#failedLogins >= fault.afterFailures) {
      this.#failedLogins = 0;
      this.#lockedUntil = Date.now() + (fault.lockMs ?? DEFAULT_LOCK_MS);
    }
    return false;
  }

  /** A new fault starts from a clean slate: no failures counted, no lock. */
  reset(): void {
    this.#failedLogins = 0;
    this.#lockedUntil = 0;
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
