/** PJLink class 1 projectors: what a machine's `driver:` block becomes, and what it costs in time. */
import { sumOfSteps, type DriverFamilySpec, type DriverTimeouts, type SecretRef } from '../shared/spec';

export interface PjlinkDriverSpec {
  type: 'pjlink';
  host: string;
  port: number;
  password?: SecretRef;
  timeouts: DriverTimeouts;
}

/** Each step of a call and how long the client waits for it: connect, the greeting, one POWR request's reply. */
export function pjlinkSteps(spec: Pick<PjlinkDriverSpec, 'timeouts'>) {
  return { connectMs: spec.timeouts.connectMs, greetingMs: spec.timeouts.responseMs, replyMs: spec.timeouts.responseMs };
}

export const pjlinkFamily: DriverFamilySpec<PjlinkDriverSpec> = {
  label: 'PJLink',
  deadlineMs: (spec) => sumOfSteps(pjlinkSteps(spec)),
  secretRefs: (spec) => [spec.password],
};
