import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { substituteEnvironment } from '../config/substitute-env';

const durationMs = z.int().min(0);
const tcpPort = z.int().min(0).max(65535);
/** An IP address, so a device's TCP and UDP listeners bind the same interface without a DNS lookup. */
const ipAddress = z.string().refine((host) => isIP(host) !== 0, 'must be an IP address');

/**
 * `clearedBy: power-cycle`: the fault lasts until the device loses its power (its PDU outlet or its
 * own mains switched off), as a firmware lock-up does; it comes back without it.
 */
const clearable = { clearedBy: z.literal('power-cycle').optional() };

export const faultSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('hang'), ...clearable }),
  z.strictObject({ mode: z.literal('refuse'), ...clearable }),
  z.strictObject({ mode: z.literal('reset-mid-reply'), ...clearable }),
  z.strictObject({ mode: z.literal('garbage'), ...clearable }),
  z.strictObject({ mode: z.literal('slow'), delayMs: durationMs, ...clearable }),
  z.strictObject({ mode: z.literal('endless'), ...clearable }),
  z.strictObject({ mode: z.literal('flapping'), periodMs: z.int().min(1), ...clearable }),
  z.strictObject({
    mode: z.literal('auth-lockout'),
    afterFailures: z.int().min(1),
    /** How long the lock lasts; 60 s when absent. */
    lockMs: durationMs.optional(),
    ...clearable,
  }),
]);
export type Fault = z.infer<typeof faultSchema>;

export type DeviceKind = 'pjlink' | 'http' | 'tcp' | 'wol' | 'pdu' | 'switch';

/** The kinds that answer SNMP on a UDP port. */
const SNMP_KINDS: readonly DeviceKind[] = ['pdu', 'switch'];

const commonFields = {
  id: z.string().regex(/^\S+$/, 'must be non-empty and contain no whitespace'),
  /** Overrides the simulator's host, e.g. one loopback address per device as on a real network. */
  host: ipAddress.optional(),
  port: tcpPort.default(0),
  initialPower: z.enum(['on', 'off']).default('off'),
  fault: faultSchema.optional(),
};

/** Printable ASCII up to the spec's length for that answer, so it fits one PJLink line. */
const pjlinkText = (maxBytes: number) => z.string().regex(/^[\x20-\x7e]*$/, 'must be printable ASCII').max(maxBytes);
/** Class 1: the input type (1 RGB, 2 video, 3 digital, 4 storage, 5 network), then its number 1-9. */
const pjlinkInput = z.string().regex(/^[1-5][1-9]$/, 'must be a class 1 input code such as 31');
/** A tuple, so the type says there is a first input to start on. */
const inputList = (input: z.ZodString, defaults: [string, ...string[]]) =>
  z
    .tuple([input], input)
    .refine((inputs) => new Set(inputs).size === inputs.length, 'must not repeat an input')
    .default(defaults);
const volume = z.int().min(0).max(100);

const pjlinkSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('pjlink'),
  password: z.string().min(1).optional(),
  warmupMs: durationMs.default(20_000),
  cooldownMs: durationMs.default(20_000),
  minOnMs: durationMs.default(0),
  oneClient: z.boolean().default(true),
  /** 0 keeps idle connections open forever. */
  idleCloseMs: durationMs.default(30_000),
  closeAfterReply: z.boolean().default(false),
  inputs: inputList(pjlinkInput, ['11', '31', '32']),
  /** The first of `inputs` when absent. */
  initialInput: pjlinkInput.optional(),
  /** An `AVMT ?` answer: 30 all off, 11 video, 21 audio, 31 both muted. */
  initialMute: z.enum(['30', '11', '21', '31']).default('30'),
  /** false: a laser or LED projector, which answers `LAMP ?` with ERR1. */
  lamp: z.boolean().default(true),
  lampHours: z.int().min(0).default(1234),
  /** Wall-clock time the lamp must be lit to gain one hour; tests make it small to watch the hours grow. */
  lampHourMs: z.int().min(1).default(3_600_000),
  /** `ERST ?`: fan, lamp, temperature, cover, filter, other; each 0 ok, 1 warning, 2 error. */
  errorStatus: z.string().regex(/^[0-2]{6}$/, 'must be six digits 0-2').default('000000'),
  /** The device id when absent. */
  name: pjlinkText(64).optional(),
  manufacturer: pjlinkText(32).default('SIMULATOR'),
  model: pjlinkText(32).default('SIM-PJLINK'),
  info: pjlinkText(32).default('simulated'),
  /** While on, the input switches to the next one of `inputs` this often, as if someone pressed a remote; 0 never. */
  driftInputEveryMs: durationMs.default(0),
});

const httpPlayerSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('http'),
  token: z.string().min(1).optional(),
  bootMs: durationMs.default(0),
  shutdownMs: durationMs.default(0),
  inputs: inputList(z.string().min(1), ['hdmi1', 'hdmi2']),
  /** The first of `inputs` when absent. */
  initialInput: z.string().min(1).optional(),
  initialVolume: volume.default(50),
  initialPlaylist: z.string().min(1).default('default'),
});

const tcpLineSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('tcp'),
  banner: z.string().regex(/^[^\r\n]*$/, 'must be a single line').optional(),
  initialVolume: volume.default(50),
  initialMute: z.boolean().default(false),
});

const wolPcSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('wol'),
  mac: z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, 'must look like aa:bb:cc:dd:ee:ff'),
  wolPort: tcpPort.default(0),
  bootMs: durationMs.default(0),
  shutdownMs: durationMs.default(0),
});

const snmpSecret = z.string().min(8, 'must be at least 8 characters (RFC 3414 section 11.2)');

/** An SNMPv3 user: without keys noAuthNoPriv, with authKey authNoPriv, with privKey too authPriv. */
const snmpUserSchema = z
  .strictObject({
    name: z.string().min(1).max(32),
    authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
    authKey: snmpSecret.optional(),
    /** AES-128; the simulator has no DES (OpenSSL 3 keeps it in its legacy provider). */
    privProtocol: z.literal('aes').optional(),
    privKey: snmpSecret.optional(),
  })
  .superRefine((user, ctx) => {
    if ((user.authProtocol === undefined) !== (user.authKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['authKey'], message: 'authProtocol and authKey go together' });
    }
    if ((user.privProtocol === undefined) !== (user.privKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['privKey'], message: 'privProtocol and privKey go together' });
    }
    if (user.privKey !== undefined && user.authKey === undefined) {
      ctx.addIssue({ code: 'custom', path: ['privKey'], message: 'privacy needs authentication (authProtocol and authKey)' });
    }
  });

const outletNumber = z.string().regex(/^[1-9]\d*$/, 'must be an outlet number (1, 2, ...)');

const pduSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('pdu'),
  /** The PDU's own mains; off, it answers nothing and every outlet is dead. */
  initialPower: z.enum(['on', 'off']).default('on'),
  /** Read-write, for v1 and v2c. */
  community: z.string().min(1).default('public'),
  /** GETs only; its SETs are answered noAccess. */
  readOnlyCommunity: z.string().min(1).optional(),
  users: z.array(snmpUserSchema).default([]),
  outletCount: z.int().min(1).max(48).default(8),
  /** By outlet number; the others start on. */
  initialOutlets: z.record(outletNumber, z.enum(['on', 'off'])).default({}),
  /** The device plugged into each outlet, by id: it has mains only while its outlet is on. */
  outlets: z.record(outletNumber, z.string().regex(/^\S+$/, 'must be a device id')).default({}),
  /** immediateReboot: how long the outlet stays off (APC's rPDUOutletConfigRebootDuration, 5 s by default). */
  rebootDelayMs: durationMs.default(5_000),
});

/** A network switch (or anything else watched over SNMP) answering MIB-II's system group; a PDU outlet may feed it. */
const switchSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('switch'),
  /** Its own power; off, or without mains, it answers nothing. */
  initialPower: z.enum(['on', 'off']).default('on'),
  /** v1 and v2c; the switch has no writable objects, so any SET is notWritable. */
  community: z.string().min(1).default('public'),
  users: z.array(snmpUserSchema).default([]),
  /** sysDescr. */
  description: z.string().regex(/^[\x20-\x7e]*$/, 'must be printable ASCII').max(255).default('Simulated 24-port Gigabit Ethernet switch'),
  /** How long it takes to answer again once its mains return; sysUpTime counts from then. */
  bootMs: durationMs.default(0),
});

export const deviceConfigSchema = z
  .discriminatedUnion('kind', [pjlinkSchema, httpPlayerSchema, tcpLineSchema, wolPcSchema, pduSchema, switchSchema])
  .superRefine((device, ctx) => {
    const problem = unsupportedFaultReason(device);
    if (problem) ctx.addIssue({ code: 'custom', path: ['fault', 'mode'], message: problem });
    const hasInputs = device.kind === 'pjlink' || device.kind === 'http';
    if (hasInputs && device.initialInput !== undefined && !device.inputs.includes(device.initialInput)) {
      ctx.addIssue({ code: 'custom', path: ['initialInput'], message: `must be one of inputs: ${device.inputs.join(', ')}` });
    }
    if (device.kind === 'pdu') {
      for (const field of ['initialOutlets', 'outlets'] as const) {
        for (const outlet of Object.keys(device[field]).filter((n) => Number(n) > device.outletCount)) {
          ctx.addIssue({ code: 'custom', path: [field, outlet], message: `the PDU has outlets 1 to ${device.outletCount}` });
        }
      }
    }
  });

export const simulatorConfigSchema = z
  .strictObject({
    host: ipAddress.default('127.0.0.1'),
    devices: z.array(deviceConfigSchema),
  })
  .superRefine((config, ctx) => {
    const firstUse = new Map<string, number>();
    const claim = (index: number, field: string, value: string | number, namespace: string) => {
      const key = `${namespace}:${value}`;
      const earlier = firstUse.get(key);
      if (earlier === undefined) firstUse.set(key, index);
      else ctx.addIssue({ code: 'custom', path: ['devices', index, field], message: `${value} is already used by devices[${earlier}]` });
    };
    config.devices.forEach((device, index) => {
      const host = device.host ?? config.host;
      claim(index, 'id', device.id, 'id');
      if (device.port !== 0) claim(index, 'port', device.port, `${SNMP_KINDS.includes(device.kind) ? 'udp' : 'tcp'}:${host}`);
      if (device.kind === 'wol' && device.wolPort !== 0) claim(index, 'wolPort', device.wolPort, `udp:${host}`);
    });
    checkOutletWiring(config.devices, ctx);
  });

/** Each outlet feeds a device of this simulator, not a PDU (no daisy chains), and each device hangs on one outlet. */
function checkOutletWiring(devices: z.output<typeof deviceConfigSchema>[], ctx: z.RefinementCtx): void {
  const kinds = new Map(devices.map((device) => [device.id, device.kind]));
  const feeding = new Map<string, string>();
  devices.forEach((device, index) => {
    if (device.kind !== 'pdu') return;
    for (const [outlet, plugged] of Object.entries(device.outlets)) {
      const path = ['devices', index, 'outlets', outlet];
      const kind = kinds.get(plugged);
      if (kind === undefined) ctx.addIssue({ code: 'custom', path, message: `no device with id "${plugged}"` });
      else if (kind === 'pdu') ctx.addIssue({ code: 'custom', path, message: `"${plugged}" is a PDU; outlets feed other devices` });
      const earlier = feeding.get(plugged);
      if (earlier) ctx.addIssue({ code: 'custom', path, message: `"${plugged}" is already plugged into ${earlier}` });
      else feeding.set(plugged, `${device.id} outlet ${outlet}`);
    }
  });
}

/** What callers write: defaulted fields may be left out. */
export type DeviceConfig = z.input<typeof deviceConfigSchema>;
export interface SimulatorConfig {
  host?: string;
  devices: DeviceConfig[];
}
export type ResolvedSimulatorConfig = z.output<typeof simulatorConfigSchema>;
export type ResolvedDeviceConfig = z.output<typeof deviceConfigSchema>;
export type ResolvedConfigOf<K extends DeviceKind> = Extract<ResolvedDeviceConfig, { kind: K }>;

/** Over UDP there is no connection to reset or stream on, and no login to lock. */
const SNMP_FAULTS: readonly Fault['mode'][] = ['hang', 'refuse', 'flapping', 'slow', 'garbage'];

/** Why a device of this configuration cannot carry its fault, or undefined when it can. */
export function unsupportedFaultReason(device: { kind: DeviceKind; fault?: Fault; password?: string }): string | undefined {
  if (SNMP_KINDS.includes(device.kind) && device.fault && !SNMP_FAULTS.includes(device.fault.mode)) {
    return `a ${device.kind} (SNMP over UDP) takes the faults ${SNMP_FAULTS.join(', ')}, not ${device.fault.mode}`;
  }
  if (device.fault?.mode !== 'auth-lockout') return undefined;
  if (device.kind !== 'pjlink') return `auth-lockout applies to pjlink devices only, not ${device.kind}`;
  if (device.password === undefined) return 'auth-lockout needs the pjlink device to have a password';
  return undefined;
}

export interface ConfigProblem {
  /** e.g. `devices[2].port`; empty for the document itself. */
  path: string;
  message: string;
}

export class SimulatorConfigError extends Error {
  override readonly name = 'SimulatorConfigError';

  constructor(
    readonly problems: ConfigProblem[],
    readonly source?: string,
  ) {
    const where = source ? `${source}: ` : '';
    super(['Invalid simulator config:', ...problems.map((p) => `  ${where}${p.path || '(root)'}: ${p.message}`)].join('\n'));
  }
}

function formatConfigPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const name = String(segment);
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}

function problemsOf(error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatConfigPath([...issue.path, key]), message: 'unknown key' }))
      : [{ path: formatConfigPath(issue.path), message: issue.message }],
  );
}

export function parseSimulatorConfig(input: unknown, source?: string): ResolvedSimulatorConfig {
  const result = simulatorConfigSchema.safeParse(input);
  if (!result.success) throw new SimulatorConfigError(problemsOf(result.error), source);
  return result.data;
}

/**
 * Reads a YAML config file. `${NAME}` and `${NAME:-default}` in its text are replaced from env
 * first, so one file can serve several runs (ports, addresses).
 */
export function loadSimulatorConfig(file: string, env: NodeJS.ProcessEnv = process.env): ResolvedSimulatorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SimulatorConfigError([{ path: '', message: `cannot read file: ${(error as Error).message}` }], file);
  }
  const substituted = substituteEnvironment(text, env);
  if (substituted.unresolved.length > 0) {
    throw new SimulatorConfigError(substituted.unresolved.map(({ line, message }) => ({ path: `line ${line}`, message })), file);
  }
  let document: unknown;
  try {
    document = parseYaml(substituted.text);
  } catch (error) {
    throw new SimulatorConfigError([{ path: '', message: `not valid YAML: ${(error as Error).message}` }], file);
  }
  return parseSimulatorConfig(document, file);
}
