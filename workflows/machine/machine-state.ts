import type { Maintenance, Override } from '../../domain/desired-state';
import type { AspectState, AuditEntry, CheckFailure, CheckResult, Observation } from '../../domain/check';
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
}

export const AUDIT_LENGTH = 20;

export function initialState(): MachineState {
  return { consecutiveFailures: 0, reconcileRequested: true, commandsSent: 0, missedTicks: 0, audit: [] };
}

export function recordAudit(state: MachineState, entry: AuditEntry): void {
  state.audit.push(entry);
  if (state.audit.length > AUDIT_LENGTH) state.audit.splice(0, state.audit.length - AUDIT_LENGTH);
}
