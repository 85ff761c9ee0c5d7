/**
 * What a machine workflow understands and publishes: the one module of the workflow that code
 * outside workflows/ imports. It is loaded both by clients and inside the workflow sandbox, so it
 * holds definitions only: no Node APIs, nothing heavier than the SDK's message and key definitions.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AspectValue, AspectValues, WantedSource } from '../../domain/aspects';
import type { AuditEntry, CheckFailure, CheckResult, Observation } from '../../domain/check';
import type { NeighbourReport } from '../../domain/dependencies';
import type { Telemetry } from '../../domain/telemetry';
import type { DesiredPower as DesiredState, Maintenance, Override } from '../../domain/desired-state';
import type { MachineSpec, ObservedPower as ReportedPower, Power } from '../../domain/types';
import type { MachineState } from './machine-state';

// ---- The workflow type and its ids ----

/** The name workflows/index.ts exports the workflow function under, and clients start it by. */
export const MACHINE_WORKFLOW_TYPE = 'machineWorkflow';

export type MachineWorkflow = (input: MachineWorkflowInput) => Promise<MachineRetired>;

const MACHINE_WORKFLOW_ID_PREFIX = 'machine-';

export function machineWorkflowId(machineId: string): string {
  return MACHINE_WORKFLOW_ID_PREFIX + machineId;
}

/** The machine id in a machine workflow's id; undefined for the id of any other workflow. */
export function machineIdOf(workflowId: string): string | undefined {
  return workflowId.startsWith(MACHINE_WORKFLOW_ID_PREFIX) ? workflowId.slice(MACHINE_WORKFLOW_ID_PREFIX.length) : undefined;
}

// ---- Input and result ----

export interface MachineWorkflowInput {
  spec: MachineSpec;
  configHash: string;
  /** Present when continuing as new: the previous run's state. */
  state?: MachineState;
  /** Start a fresh run after this many ticks, to keep histories short and readable. */
  ticksPerRun?: number;
}

/**
 * Twenty minutes of one-minute ticks, about 130 events. The worker holds the current run of every
 * cached workflow in memory, so its memory grows with the run and drops at continue-as-new: over a
 * soak, 240 ticks a run grew resident memory ~10% per 30 ticks, 20 ticks a run kept it flat
 * (docs/soak.md). Short runs also open at once in the Web UI.
 */
export const DEFAULT_TICKS_PER_RUN = 20;

export interface MachineRetired {
  id: string;
  retiredAtMs: number;
  by: string;
  reason: string;
}

// ---- Messages ----

export interface Actor {
  by: string;
  reason: string;
  /** Set by the API so a caller can see in the audit trail that its request was applied. */
  requestId?: string;
}
/** Forces power, a scene of the venue, single aspects, or any of them together; at least one. */
export interface OverrideRequest extends Actor {
  power?: Power;
  scene?: string;
  aspects?: AspectValues;
  untilMs?: number;
}
export interface MaintenanceRequest extends Actor {
  untilMs?: number;
}
export interface ConfigurationUpdate {
  spec: MachineSpec;
  /** Fingerprint of the spec, kept in the memo so inventory sync can tell what changed. */
  configHash: string;
}

export const setOverrideSignal = defineSignal<[OverrideRequest]>('setOverride');
export const clearOverrideSignal = defineSignal<[Actor]>('clearOverride');
export const startMaintenanceSignal = defineSignal<[MaintenanceRequest]>('startMaintenance');
export const endMaintenanceSignal = defineSignal<[Actor]>('endMaintenance');
export const reconcileNowSignal = defineSignal<[Actor]>('reconcileNow');
export const configurationChangedSignal = defineSignal<[ConfigurationUpdate]>('configurationChanged');
/** The machine left the venue configuration: finish cleanly. */
export const retireSignal = defineSignal<[Actor]>('retire');
/**
 * A machine it needs, or that needs it, changed its observed power or health (domain/dependencies.ts):
 * sent by that machine's workflow, only on change.
 */
export const neighbourReportedSignal = defineSignal<[NeighbourReport]>('neighbourReported');

// ---- Status ----
// The values of every enumeration the status and the search attributes carry, listed once here
// (a check's outcome and failed step once in domain/check.ts, where a tick's decision makes them):
// the API's schemas (api/response-schemas.ts) and the workflow's types are built from them.

/** Blocked: not where it should be while a machine it needs fails; its own alerts are held back for the root's. */
export const HEALTH_VALUES = ['ok', 'failing', 'blocked', 'unknown'] as const;
export type Health = (typeof HEALTH_VALUES)[number];
export const MODE_VALUES = ['schedule', 'override', 'maintenance'] as const;
export type Mode = (typeof MODE_VALUES)[number];
export const POWER_VALUES = ['on', 'off'] as const satisfies readonly Power[];
/** What a device reports. */
export const REPORTED_POWER_VALUES = ['on', 'off', 'warming', 'cooling'] as const satisfies readonly ReportedPower[];
/** What a device last reported, or unknown before its first answer. */
export const OBSERVED_VALUES = [...REPORTED_POWER_VALUES, 'unknown'] as const;
export const DESIRED_SOURCE_VALUES = ['schedule', 'override'] as const satisfies readonly DesiredState['source'][];
/** Where an aspect's wanted value comes from: the machine's (or its group's) own values, the schedule window's scene, an override. */
export const WANTED_SOURCE_VALUES = ['machine', 'scene', 'override'] as const satisfies readonly WantedSource[];

export interface AspectStatus {
  name: string;
  /** Absent while the machine should be off: its aspects are then left alone. */
  wanted?: AspectValue;
  source?: WantedSource;
  /** The scene the wanted value comes from, when it comes from one. */
  scene?: string;
  observed?: AspectValue;
  observedAtMs?: number;
  /** Whether the last reading is the wanted value (within the aspect's tolerance); absent when nothing is wanted or read. */
  inWantedState?: boolean;
  lastCorrection?: { value: AspectValue; atMs: number };
}

/** What a machine knows of one neighbour: its last report, absent until it sent one. */
export interface NeighbourStatus {
  id: string;
  power?: NeighbourReport['power'];
  health?: NeighbourReport['health'];
}

export interface DependencyStatus {
  needs: NeighbourStatus[];
  neededBy: NeighbourStatus[];
  /** The neighbours a power step waits for (`waiting for mixer-01`), and since when. */
  waitingFor?: string[];
  waitingSinceMs?: number;
  /** The failing machines at the root of what it needs that is down (`blocked by pdu-3`). */
  blockedBy?: string[];
  /** What holds it back, as its memo says it (DEPENDENCY_MEMO); absent when nothing does. */
  heldBack?: DependencyMemo;
  /** The PDU outlet that feeds it, and its last power cycle. */
  poweredBy?: { pdu: string; outlet: number; lastCycleMs?: number };
}

export interface MachineStatus {
  id: string;
  name: string;
  group: string;
  address: string;
  driver: MachineSpec['driver']['type'];
  desired: Power;
  desiredSource: DesiredState['source'];
  observed?: Observation;
  health: Health;
  mode: Mode;
  override?: Override;
  maintenance?: Maintenance;
  lastCheck?: CheckResult;
  consecutiveFailures: number;
  commandsSent: number;
  missedTicks: number;
  nextTickMs: number;
  nextScheduleChangeMs?: number;
  /** Every aspect the venue can want of this machine, in name order. */
  aspects: AspectStatus[];
  telemetry?: Telemetry;
  telemetryFailure?: CheckFailure & { atMs: number };
  /** Watched, never switched: a network switch, a PDU as a whole. */
  probeOnly?: true;
  /** Absent for a machine that neither needs nor is needed. */
  dependencies?: DependencyStatus;
  audit: AuditEntry[];
}
export const statusQuery = defineQuery<MachineStatus>('status');

/** What the machine's schedule alone, and with its override, wants at an instant: the readiness reports ask about an opening. */
export interface PlannedPower {
  scheduled: Power;
  desired: DesiredState;
}
export const plannedPowerQuery = defineQuery<PlannedPower, [number]>('plannedPower');

// ---- What it publishes: memo and search attributes for visibility, series for Prometheus ----

/**
 * What holds a machine with dependencies back, in its memo under DEPENDENCY_MEMO (absent when
 * nothing does): for the board, which lists machines from visibility, and the history.
 */
export interface DependencyMemo {
  /** `waiting for mixer-01 to be on`, `blocked by pdu-01`, `waited 2m for mixer-01 to be on`. */
  note: string;
  blockedBy?: string[];
  waitingFor?: string[];
}
export const DEPENDENCY_MEMO = 'dependencies';

export function memoOf(spec: MachineSpec, configHash: string): Record<string, string> {
  return { name: spec.name, address: spec.address, driver: spec.driver.type, configHash };
}

/**
 * Custom search attributes of machine workflows. The dev server registers them at start
 * (devstack/dev-server.ts) and a production cluster needs them created once
 * (`temporal operator search-attribute create`).
 */
export const MachineId = defineSearchAttributeKey('MachineId', SearchAttributeType.KEYWORD);
export const MachineGroup = defineSearchAttributeKey('MachineGroup', SearchAttributeType.KEYWORD);
/** One of POWER_VALUES. */
export const DesiredPower = defineSearchAttributeKey('DesiredPower', SearchAttributeType.KEYWORD);
/** One of OBSERVED_VALUES. */
export const ObservedPower = defineSearchAttributeKey('ObservedPower', SearchAttributeType.KEYWORD);
/** One of HEALTH_VALUES. */
export const MachineHealth = defineSearchAttributeKey('MachineHealth', SearchAttributeType.KEYWORD);
/** One of MODE_VALUES. */
export const ControlMode = defineSearchAttributeKey('ControlMode', SearchAttributeType.KEYWORD);
/**
 * One of IN_WANTED_STATE_VALUES: whether every aspect the machine should have is as wanted (or
 * was just corrected). Set only on machines that have aspects; one attribute rather than one per
 * aspect, since a PostgreSQL visibility store allows ten Keyword attributes per namespace.
 */
export const AspectsInWantedState = defineSearchAttributeKey('AspectsInWantedState', SearchAttributeType.KEYWORD);
export const IN_WANTED_STATE_VALUES = ['yes', 'no'] as const;

export const machineSearchAttributes = [
  MachineId,
  MachineGroup,
  DesiredPower,
  ObservedPower,
  MachineHealth,
  ControlMode,
  AspectsInWantedState,
] as const;

/** The series each machine workflow records on its worker's Prometheus endpoint (workflows/machine/machine-metrics.ts). */
export const MACHINE_METRICS = {
  checks: 'showctl_checks_total',
  commands: 'showctl_commands_total',
  tickLateness: 'showctl_tick_lateness_seconds',
  missedTicks: 'showctl_missed_ticks_total',
  failing: 'showctl_machine_failing',
  inMaintenance: 'showctl_machine_in_maintenance',
  blocked: 'showctl_machine_blocked',
} as const;

/** The HELP line of each series; an instrument is its name, unit and description together. */
export const MACHINE_METRIC_HELP: Record<keyof typeof MACHINE_METRICS, string> = {
  checks: 'Ticks that checked a machine, by what the check concluded',
  commands: 'Power commands the workflows decided to send',
  tickLateness: 'Wake time of a tick minus its planned slot',
  missedTicks: 'Tick slots skipped because a check overran or no worker ran',
  failing: '1 while the machine counts as failing, else 0',
  inMaintenance: '1 while the machine is in maintenance, else 0',
  blocked: '1 while the machine is blocked by a failing machine it needs, else 0',
};
