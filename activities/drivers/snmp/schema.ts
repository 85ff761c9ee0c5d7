/**
 * The `driver:` block of a machine watched over SNMP in the venue file, and the pieces every SNMP
 * block shares (the `pdu` family's too): port, version and credentials, OIDs, the response timeout.
 */
import { z } from 'zod';
import { durationField, portField, secretRefField, strictObject } from '../../../config/fields';
import { OMIT_INPUT } from '../../../config/issues';
import type { DriverSchema } from '../shared/schema';
import { SYS_UP_TIME_OID, type SnmpAccessSpec, type SnmpDriverSpec } from './spec';

const MAX_DEADLINE_MS = 60_000;

/** YAML reads `version: 1` and `version: 3` as numbers and `version: 2c` as text. */
const version = z.union([z.enum(['1', '2c', '3']), z.literal(1).transform(() => '1' as const), z.literal(3).transform(() => '3' as const)], {
  error: 'expected SNMP version 1, 2c or 3',
});

/** A numeric OID, leading dot allowed; `example` is what the error message shows. */
export function oidField(example: string) {
  const error = `expected a numeric OID like ${example}`;
  return z
    .string({ error })
    .regex(/^\.?\d+(\.\d+)+$/, { error })
    .transform((oid) => oid.replace(/^\./, ''));
}

/** Where the agent listens, how a request authenticates (every credential a secret reference), and how long an answer may take. */
export const snmpAgentFields = {
  port: portField.default(161),
  version: version.default('2c'),
  /** v1 and v2c. */
  community: secretRefField.optional(),
  /** v3. */
  user: z.string({ error: 'expected a user name' }).min(1).max(32).optional(),
  authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
  authKey: secretRefField.optional(),
  privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).optional(),
  privKey: secretRefField.optional(),
  timeouts: strictObject({ response: durationField({ minMs: 1, maxMs: MAX_DEADLINE_MS }).default(2_000) }).prefault({}),
};

type AgentEntry = z.output<z.ZodObject<typeof snmpAgentFields>>;

/** Adds an issue at `path` of the driver block. */
export type ProblemReporter = (path: string, message: string) => void;

/**
 * The credentials the block's version needs, and none of another version's. Its problems are not
 * continuable: a block missing what its version needs has no spec, and the venue's later checks
 * build every machine's. `words` name the agent (`the PDU`) and the community it needs
 * (`the PDU's read-write community`) in the messages.
 */
export function checkSnmpAccess(driver: AgentEntry, context: z.RefinementCtx, words: { agent: string; community: string }): ProblemReporter {
  const problem: ProblemReporter = (path, message) => context.addIssue({ code: 'custom', params: OMIT_INPUT, path: [path], message, continue: false });
  const v3Keys = (['user', 'authProtocol', 'authKey', 'privProtocol', 'privKey'] as const).filter((key) => driver[key] !== undefined);
  if (driver.version !== '3') {
    if (driver.community === undefined) problem('community', `SNMP ${driver.version} needs community: { secret: NAME }, ${words.community}`);
    for (const key of v3Keys) problem(key, `${key} is an SNMPv3 setting; with version ${driver.version} the community authenticates`);
  } else {
    if (driver.community !== undefined) problem('community', 'SNMPv3 authenticates a user, not a community: remove community, or set version 2c');
    if (driver.user === undefined) problem('user', `SNMPv3 needs the user ${words.agent} knows`);
    if ((driver.authProtocol === undefined) !== (driver.authKey === undefined)) problem('authKey', 'authProtocol and authKey go together');
    if ((driver.privProtocol === undefined) !== (driver.privKey === undefined)) problem('privKey', 'privProtocol and privKey go together');
    if (driver.privKey !== undefined && driver.authKey === undefined) problem('privKey', 'SNMPv3 privacy needs authentication: give authProtocol and authKey too');
  }
  return problem;
}

/** Where the agent is, how to authenticate and how long to wait, as every SNMP family's spec holds them. */
export function toSnmpAgentSpec(driver: AgentEntry, host: string): { host: string; port: number; access: SnmpAccessSpec; timeouts: { responseMs: number } } {
  return { host, port: driver.port, access: toSnmpAccess(driver), timeouts: { responseMs: driver.timeouts.response } };
}

/** The checks of checkSnmpAccess make every branch complete; a gap here is a schema bug, not a venue's. */
function toSnmpAccess(driver: AgentEntry): SnmpAccessSpec {
  if (driver.version !== '3') return { version: driver.version, community: requiredField(driver.community, 'community') };
  const { authProtocol, authKey, privProtocol, privKey } = driver;
  return {
    version: '3',
    user: requiredField(driver.user, 'user'),
    ...(authProtocol && authKey && { auth: { protocol: authProtocol, key: authKey } }),
    ...(privProtocol && privKey && { priv: { protocol: privProtocol, key: privKey } }),
  };
}

export function requiredField<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw new Error(`SNMP driver block without ${key} passed its schema`);
  return value;
}

const entry = strictObject({
  type: z.literal('snmp'),
  ...snmpAgentFields,
  /** The object a probe reads, with its instance: sysUpTime.0 unless another is named. */
  oid: oidField('1.3.6.1.2.1.1.3.0 (sysUpTime.0)').default(SYS_UP_TIME_OID),
}).superRefine((driver, context) => {
  checkSnmpAccess(driver, context, { agent: 'the agent', community: 'one the agent answers (read-only is enough)' });
});

export const snmpSchema: DriverSchema<typeof entry, SnmpDriverSpec> = {
  entry,
  toSpec: (driver, host) => ({ type: 'snmp', ...toSnmpAgentSpec(driver, host), oid: driver.oid }),
};
