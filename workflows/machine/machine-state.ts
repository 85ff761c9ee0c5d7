import type { Maintenance, Override } from '../../domain/desired-state';
import type { AspectState, AuditEntry, CheckFailure, CheckResult, Observation } from '../../domain/check';
import type { NeighbourReport, OwnReport, PowerWait } from '../../domain/dependencies';
import type { Telemetry } from '../../domain/telemetry';

/** Everything a machine's workflow remembers; carried whole across continue-as-new. */
export interface MachineState {
  override?: Override;
  maintenance?: Maintenance;
  lastObservation?: Observation;
  lastCheck?: CheckResult;
  consecutiveFailures: number;
  /**
   * What the last failed check reported (absent in runs started before it): while the machine counts
   * as failing, the failing gauge names it, also during maintenance, which checks nothing.
   */
  lastFailure?: CheckFailure;
  reconcileRequested: boolean;
  commandsSent: number;
  /** Slots that passed while a previous check was still running, or no worker ran. */
  missedTicks: number;
  /** The latest slot already served or counted as missed, so no slot is counted twice or forgotten across runs. */
  accountedSlotMs?: number;
  audit: AuditEntry[];
  /**
   * How the next tick probes: by a local activity while the last probe answered (absent in runs
   * started before this field), by a regular activity, visible in the Web UI, while it fails.
   */
  probePath?: 'local' | 'activity';
  /** What was last read and corrected of each aspect. */
  aspects?: Record<string, AspectState>;
  /** The last telemetry read that answered, the failure of a later one, and when the next is due. */
  telemetry?: Telemetry;
  telemetryFailure?: CheckFailure & { atMs: number };
  nextTelemetryMs?: number;
  /** What each machine it needs or that needs it last reported (workflows/machine/neighbours.ts). */
  neighbours?: Record<string, NeighbourReport>;
  /**
   * What it last told the machines that need it, so it tells them only changes; absent until its
   * first report. The machines it needs heard its power and health from it (workflows/machine/neighbours.ts).
   */
  reported?: OwnReport;
  /** Its next report asks its neighbours for theirs: set in a first run and when it learns new neighbours. */
  askNeighbours?: true;
  /** Neighbours that asked for its report after it had sent one. */
  repliesOwed?: string[];
  /** A power step held back by its neighbours. */
  waiting?: PowerWait;
  /** Check again then rather than at the next tick: after a power command, while neighbours may wait on it. */
  recheckAtMs?: number;
  lastPowerCycleMs?: number;
}

export const AUDIT_LENGTH = 20;

/** A machine with neighbours asks them for their reports in its first one. */
export function initialState(hasNeighbours: boolean): MachineState {
  return { consecutiveFailures: 0, reconcileRequested: true, commandsSent: 0, missedTicks: 0, audit: [], ...(hasNeighbours && { askNeighbours: true }) };
}

export function recordAudit(state: MachineState, entry: AuditEntry): void {
  state.audit.push(entry);
  if (state.audit.length > AUDIT_LENGTH) state.audit.splice(0, state.audit.length - AUDIT_LENGTH);
}
