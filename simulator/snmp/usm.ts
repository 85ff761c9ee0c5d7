/**
 * SNMPv3's user-based security model as the agent (the authoritative engine) applies it:
 * password to localized key (RFC 3414 appendix A.2), HMAC authentication truncated per protocol
 * (RFC 3414 sections 6 and 7 for MD5 and SHA-1, RFC 7860 for the SHA-2 family) and AES-128-CFB
 * privacy (RFC 3826). DES privacy is not simulated: OpenSSL 3 ships DES only in its legacy provider.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const AUTH_PROTOCOLS = {
  md5: { hash: 'md5', digestBytes: 12 },
  sha: { hash: 'sha1', digestBytes: 12 },
  sha224: { hash: 'sha224', digestBytes: 16 },
  sha256: { hash: 'sha256', digestBytes: 24 },
  sha384: { hash: 'sha384', digestBytes: 32 },
  sha512: { hash: 'sha512', digestBytes: 48 },
} as const;
export type AuthProtocol = keyof typeof AUTH_PROTOCOLS;

/** RFC 3414 A.2: the password repeated to one megabyte is hashed; the result is localized to one engine. */
const PASSWORD_EXPANSION_BYTES = 1_048_576;
const AES_KEY_BYTES = 16;
const SALT_BYTES = 8;

export interface UserKeys {
  auth?: { protocol: AuthProtocol; key: Buffer };
  /** AES-128: the first 16 bytes of the privacy password localized with the authentication hash. */
  priv?: { key: Buffer };
}

export interface UserSecrets {
  authProtocol?: AuthProtocol;
  authKey?: string;
  privKey?: string;
}

/** The user's keys for this engine, computed once: each takes a megabyte of hashing. */
export function localizeKeys(user: UserSecrets, engineId: Buffer): UserKeys {
  if (!user.authProtocol || user.authKey === undefined) return {};
  const { hash } = AUTH_PROTOCOLS[user.authProtocol];
  const auth = { protocol: user.authProtocol, key: localizedKey(hash, user.authKey, engineId) };
  if (user.privKey === undefined) return { auth };
  return { auth, priv: { key: localizedKey(hash, user.privKey, engineId).subarray(0, AES_KEY_BYTES) } };
}

function localizedKey(hash: string, password: string, engineId: Buffer): Buffer {
  const expanded = Buffer.alloc(PASSWORD_EXPANSION_BYTES, password);
  const userKey = createHash(hash).update(expanded).digest();
  return createHash(hash).update(Buffer.concat([userKey, engineId, userKey])).digest();
}

function digestOf(auth: NonNullable<UserKeys['auth']>, message: Buffer): Buffer {
  const { hash, digestBytes } = AUTH_PROTOCOLS[auth.protocol];
  return createHmac(hash, auth.key).update(message).digest().subarray(0, digestBytes);
}

export function digestLength(auth: NonNullable<UserKeys['auth']>): number {
  return AUTH_PROTOCOLS[auth.protocol].digestBytes;
}

/** The digest is computed over the whole message with the authentication parameters zeroed. */
export function isAuthentic(auth: NonNullable<UserKeys['auth']>, datagram: Buffer, offset: number, received: Buffer): boolean {
  if (received.length !== digestLength(auth)) return false;
  const zeroed = Buffer.from(datagram);
  zeroed.fill(0, offset, offset + received.length);
  return timingSafeEqual(digestOf(auth, zeroed), received);
}

/** Writes the digest into the placeholder the encoded message carries at `offset`. */
export function sign(auth: NonNullable<UserKeys['auth']>, message: Buffer, offset: number): void {
  digestOf(auth, message).copy(message, offset);
}

interface EngineClock {
  engineBoots: number;
  engineTime: number;
}

/** RFC 3826 section 3.1.2.1: the IV is the engine's boots and time, then the message's salt. */
function ivOf(clock: EngineClock, salt: Buffer): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(clock.engineBoots, 0);
  iv.writeUInt32BE(clock.engineTime, 4);
  salt.copy(iv, 8);
  return iv;
}

export function encrypt(priv: NonNullable<UserKeys['priv']>, clock: EngineClock, plaintext: Buffer): { ciphertext: Buffer; salt: Buffer } {
  const salt = randomBytes(SALT_BYTES);
  const cipher = createCipheriv('aes-128-cfb', priv.key, ivOf(clock, salt));
  return { ciphertext: Buffer.concat([cipher.update(plaintext), cipher.final()]), salt };
}

/** undefined when the salt is not one AES produced; a wrong key yields bytes that do not parse, which the caller finds. */
export function decrypt(priv: NonNullable<UserKeys['priv']>, clock: EngineClock, salt: Buffer, ciphertext: Buffer): Buffer | undefined {
  if (salt.length !== SALT_BYTES) return undefined;
  const decipher = createDecipheriv('aes-128-cfb', priv.key, ivOf(clock, salt));
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
