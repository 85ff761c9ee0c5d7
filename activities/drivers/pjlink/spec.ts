/** PJLink projectors and displays: what a machine's `driver:` block becomes, its aspects, and what it costs in time. */
import type { AspectSpecs } from '../../../domain/aspects';
import { type DriverFamilySpec, type DriverTimeouts, type SecretRef } from '../shared/spec';

export interface PjlinkDriverSpec {
  type: 'pjlink';
  host: string;
  port: number;
  password?: SecretRef;
  timeouts: DriverTimeouts;
  /** The venue's names for input codes, e.g. { HDMI1: '31' }; scenes may name an input by either. */
  inputs?: Record<string, string>;
}

/** Every class 1 input code: a type digit (1 RGB, 2 video, 3 digital, 4 storage, 5 network), then a number 1-9. */
export const PJLINK_INPUT_CODES: readonly string[] = ['1', '2', '3', '4', '5'].flatMap((type) => ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((n) => type + n));

/** The queries of one telemetry read, in the order they are sent on one connection. */
export const PJLINK_TELEMETRY_QUERIES = ['LAMP', 'ERST', 'INST', 'NAME', 'INF1', 'INF2', 'INFO', 'CLSS'] as const;

/** Each step of a call and how long the client waits for it: connect, the greeting, each command's reply. */
export function pjlinkSteps(spec: Pick<PjlinkDriverSpec, 'timeouts'>) {
  return { connectMs: spec.timeouts.connectMs, greetingMs: spec.timeouts.responseMs, replyMs: spec.timeouts.responseMs };
}

/** A call sends `replies` commands on one connection (a probe: POWR, then one per aspect read). */
function deadlineOf(spec: Pick<PjlinkDriverSpec, 'timeouts'>, replies: number): number {
  const { connectMs, greetingMs, replyMs } = pjlinkSteps(spec);
  return connectMs + greetingMs + replies * replyMs;
}

export function pjlinkAspects(spec: Pick<PjlinkDriverSpec, 'inputs'>): AspectSpecs {
  return {
    input: spec.inputs
      ? { kind: 'text', values: [...Object.keys(spec.inputs), ...Object.values(spec.inputs)] }
      : { kind: 'text', values: PJLINK_INPUT_CODES, describe: 'a PJLink input code like "31" (or give the driver `inputs:` names)' },
    mute: { kind: 'boolean' },
  };
}

export const pjlinkFamily: DriverFamilySpec<PjlinkDriverSpec> = {
  label: 'PJLink',
  deadlineMs: (spec, aspectReads) => deadlineOf(spec, 1 + aspectReads.length),
  secretRefs: (spec) => [spec.password],
  aspects: pjlinkAspects,
  telemetryDeadlineMs: (spec) => deadlineOf(spec, PJLINK_TELEMETRY_QUERIES.length),
};
