/**
 * The dependency map as one machine's workflow sees it: what it needs on before it switches on,
 * what needs it (kept on until they are off), and what each of them last reported. Pure and
 * workflow-safe; the workflow (workflows/machine/neighbours.ts) carries the reports between machines.
 */
import type { PduDriverSpec } from '../activities/drivers/pdu/spec';

export const DEPENDENCY_TIMEOUT_ACTIONS = ['proceed', 'fail'] as const;
export type DependencyTimeoutAction = (typeof DEPENDENCY_TIMEOUT_ACTIONS)[number];

export interface MachineDependencies {
  /** Machine ids, sorted: switched on only once each is observed on and healthy. */
  needs: string[];
  /** Machine ids, sorted: this one is switched off only once each is observed off. */
  neededBy: string[];
  /** How long a power step waits for its neighbours before `onTimeout`. */
  waitMs: number;
  onTimeout: DependencyTimeoutAction;
  /**
   * How soon a machine that others need checks again after a power command, instead of at its next
   * tick, so the next level of a sequence starts as soon as this one is up.
   */
  recheckMs: number;
}

/** When a machine that stays failing gets its outlet switched off and on again. */
export interface PowerCyclePolicy {
  /** Failed checks in a row that start a cycle. */
  afterFailures: number;
  /** At most one cycle in this long. */
  atMostEveryMs: number;
  /** How long the outlet stays off. */
  offMs: number;
}

export interface PoweredBy {
  /** The PDU's machine id. */
  pdu: string;
  outlet: number;
  /** The PDU's driver with this outlet: what a power cycle switches. */
  driver: PduDriverSpec & { outlet: number };
  /** Absent when the machine is never power-cycled. */
  cycle?: PowerCyclePolicy;
}
