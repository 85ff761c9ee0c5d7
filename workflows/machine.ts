import {
  ActivityFailure,
  ApplicationFailure,
  TemporalFailure,
  TimeoutFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DEVICE_CALL_ATTEMPTS, DEVICE_CALL_RETRY_INTERVAL_MS, deviceCallTimeoutMs, LOCAL_PROBE_LIMIT_MS, localProbeTimeoutMs } from '../domain/deadline';
import { DEVICE_BUSY, nonRetryableDeviceErrors } from '../domain/device-failures';
import { decide, desiredPower, isInEffect, type Maintenance, type Override } from '../domain/desired-state';
import { nextScheduleChange } from '../domain/schedule';
import { nextTickAt, quarterSpreadTicksInRun, skippedSlots, tickOffsetMs, ticksInRun } from '../domain/tick';
import type { PowerReading } from '../activities/drivers/types';
import type { MachineSpec, MachineTarget, ObservedPower, Power } from '../domain/types';
import {
  healthOf,
  initialState,
  recordAudit,
  type AuditEntry,
  type CheckFailure,
  type CheckResult,
  type Health,
  type MachineState,
  type Observation,
} from './machine-state';
import {
  clearMachineHealth,
  HealthGauges,
  recordCheck,
  recordCommand,
  recordMissedTicks,
  recordTickLateness,
} from './machine-metrics';
import {
  ControlMode,
  DesiredPower,
  MachineGroup,
  MachineHealth,
  MachineId,
  ObservedPower as ObservedPowerKey,
} from './search-attributes';

// ---- Messages ----

export interface Actor {
  by: string;
  reason: string;
  /** Set by the API so a caller can see in the audit trail that its request was applied. */
  requestId?: string;
}
export interface OverrideRequest extends Actor {
  power: Power;
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

export interface MachineStatus {
  id: string;
  name: string;
  group: string;
  address: string;
  driver: MachineSpec['driver']['type'];
  desired: Power;
  desiredSource: 'schedule' | 'override';
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
  audit: AuditEntry[];
}
export const statusQuery = defineQuery<MachineStatus>('status');

export interface MachineWorkflowInput {
  spec: MachineSpec;
  configHash: string;
  /** Present when continuing as new: the previous run's state. */
  state?: MachineState;
  /** Start a fresh run after this many ticks, to keep histories short and readable. */
  ticksPerRun?: number;
}

export interface MachineRetired {
  id: string;
  retiredAtMs: number;
  by: string;
  reason: string;
}

type Mode = 'schedule' | 'override' | 'maintenance';

/**
 * Twenty minutes of one-minute ticks, about 130 events. The worker holds the current run of every
 * cached workflow in memory, so its memory grows with the run and drops at continue-as-new: over a
 * soak, 240 ticks a run grew resident memory ~10% per 30 ticks, 20 ticks a run kept it flat
 * (docs/soak.md). Short runs also open at once in the Web UI.
 */
export const DEFAULT_TICKS_PER_RUN = 20;

const EVEN_RUN_SPREAD = 'even-run-spread';

// ---- Workflow ----

export async function machineWorkflow(input: MachineWorkflowInput): Promise<MachineRetired> {
  let spec = input.spec;
  let configHash = input.configHash;
  const state = input.state ?? initialState();
  const ticksPerRun = input.ticksPerRun ?? DEFAULT_TICKS_PER_RUN;
  let retirement: MachineRetired | undefined;
  let nextTickMs = Date.now();

  const pause = new InterruptiblePause();
  const healthGauges = new HealthGauges();
  /** A message changed what the machine should be: check it now rather than at the next tick. */
  const wakeUp = () => {
    state.reconcileRequested = true;
    pause.interrupt();
  };
  const audit = (action: string, actor: Actor) =>
    recordAudit(state, { atMs: Date.now(), action, by: actor.by, reason: actor.reason, requestId: actor.requestId });

  setHandler(setOverrideSignal, (request) => {
    state.override = { power: request.power, untilMs: request.untilMs, reason: request.reason, by: request.by, atMs: Date.now() };
    wakeUp();
    audit(`override ${request.power}${until(request.untilMs)}`, request);
  });
  setHandler(clearOverrideSignal, (actor) => {
    state.override = undefined;
    wakeUp();
    audit('override cleared', actor);
  });
  setHandler(startMaintenanceSignal, (request) => {
    state.maintenance = { untilMs: request.untilMs, reason: request.reason, by: request.by, atMs: Date.now() };
    wakeUp();
    audit(`maintenance${until(request.untilMs)}`, request);
  });
  setHandler(endMaintenanceSignal, (actor) => {
    state.maintenance = undefined;
    wakeUp();
    audit('maintenance ended', actor);
  });
  setHandler(reconcileNowSignal, (actor) => {
    wakeUp();
    audit('reconcile now', actor);
  });
  setHandler(configurationChangedSignal, (update) => {
    if (update.configHash === configHash) return;
    if (update.spec.group !== spec.group) clearMachineHealth(spec);
    spec = update.spec;
    configHash = update.configHash;
    upsertMemo(memoOf(spec, configHash));
    wakeUp();
    audit('configuration changed', { by: 'inventory sync', reason: `config ${configHash.slice(0, 12)}` });
  });
  setHandler(retireSignal, (actor) => {
    retirement = { id: spec.id, retiredAtMs: Date.now(), by: actor.by, reason: actor.reason };
    pause.interrupt();
  });
  setHandler(statusQuery, () => statusOf(spec, state, nextTickMs));

  // Runs recorded before the even spread keep the length they were recorded with.
  const ticksThisRun = patched(EVEN_RUN_SPREAD)
    ? ticksInRun(spec.id, ticksPerRun, input.state === undefined)
    : quarterSpreadTicksInRun(spec.id, ticksPerRun);
  let ticks = 0;
  /** Returns when the run should end; a message cuts its pause short by cancelling the scope it runs in. */
  const tickUntilRunEnds = async (): Promise<MachineRetired | 'continue-as-new'> => {
    for (;; ticks++) {
      if (retirement) return retirement;
      if (ticks >= ticksThisRun || workflowInfo().continueAsNewSuggested) return 'continue-as-new';
      if (!state.reconcileRequested) {
        nextTickMs = nextTickAt(Date.now(), spec.tickMs, tickOffsetMs(spec.id, spec.tickMs));
        if (state.accountedSlotMs !== undefined) {
          // Slots skipped because a check overran its tick or the worker was down.
          const missed = skippedSlots(state.accountedSlotMs, nextTickMs, spec.tickMs);
          state.accountedSlotMs = Math.max(state.accountedSlotMs, nextTickMs - spec.tickMs);
          state.missedTicks += missed;
          if (missed > 0) recordMissedTicks(spec, missed);
        }
        const wakeMs = Math.min(nextTickMs, ...upcomingExpiries(state));
        await pause.sleep(Math.max(1, wakeMs - Date.now()));
        if (retirement) return retirement;
        if (wakeMs === nextTickMs) {
          state.accountedSlotMs = nextTickMs;
          recordTickLateness(spec, Date.now() - nextTickMs);
        }
      }
      state.reconcileRequested = false;
      await reconcile(spec, state, healthGauges);
    }
  };

  const ended = await pause.runInterruptibly(tickUntilRunEnds);
  await condition(allHandlersFinished);
  if (ended === 'continue-as-new') return continueAsNew<typeof machineWorkflow>({ spec, configHash, state, ticksPerRun });
  clearMachineHealth(spec);
  log.info('machine retired', { ...ended });
  return ended;
}

/**
 * The pause between ticks, which a message may cut short. The ticks run inside a cancellation
 * scope, and an interruption cancels it while the loop is pausing (never during a device call);
 * a cancelled scope stays cancelled, so the ticks go on in a fresh one. An ordinary tick thus
 * creates no scope at all. Measured (BENCHMARKS.md): a scope per pause was ~8% of the workflow
 * thread's CPU, because the SDK captures a stack trace for every promise a workflow creates, and
 * `condition(fn, timeout)` is dearer still (it cancels its timer, creating a CancelledFailure, on
 * every tick that was not interrupted).
 */
class InterruptiblePause {
  #scope: CancellationScope | undefined;
  #pausing = false;
  #interrupted = false;

  /** Runs `ticks`, again from the top after every interruption, until it returns. */
  async runInterruptibly<T>(ticks: () => Promise<T>): Promise<T> {
    for (;;) {
      const scope = new CancellationScope();
      this.#scope = scope;
      try {
        return await scope.run(ticks);
      } catch (error) {
        // The workflow's own cancellation reaches this scope too: that one must end the workflow.
        if (!(isCancellation(error) && this.#interrupted && !CancellationScope.current().consideredCancelled)) throw error;
      } finally {
        this.#scope = undefined;
        this.#interrupted = false;
      }
    }
  }

  /** Call inside runInterruptibly. */
  async sleep(ms: number): Promise<void> {
    this.#pausing = true;
    try {
      await sleep(ms);
    } finally {
      this.#pausing = false;
    }
  }

  /** Ends the current pause, if one is running (the loop checks its flags before pausing). */
  interrupt(): void {
    if (!this.#pausing || !this.#scope) return;
    this.#interrupted = true;
    this.#scope.cancel();
  }
}

function until(untilMs: number | undefined): string {
  return untilMs === undefined ? '' : ` until ${new Date(untilMs).toISOString()}`;
}

function upcomingExpiries(state: MachineState): number[] {
  const now = Date.now();
  return [state.override?.untilMs, state.maintenance?.untilMs].filter(
    (untilMs): untilMs is number => untilMs !== undefined && untilMs > now,
  );
}

// ---- One tick: expire, decide, probe, command ----

async function reconcile(spec: MachineSpec, state: MachineState, healthGauges: HealthGauges): Promise<void> {
  const now = Date.now();
  expireControls(state, now);
  const desired = desiredPower(spec.schedule, state.override, now).power;
  try {
    state.lastCheck = state.maintenance
      ? { atMs: now, desired, outcome: 'maintenance' }
      : await check(spec, state, desired, now);
    recordCheck(spec, state.lastCheck.outcome);
  } finally {
    const health = healthOf(state, spec);
    publish(spec, state, desired, health);
    healthGauges.set(spec, { failing: health === 'failing', inMaintenance: state.maintenance !== undefined });
  }
}

async function check(spec: MachineSpec, state: MachineState, desired: Power, now: number): Promise<CheckResult> {
  const target = targetOf(spec);
  let reading: { power: ObservedPower; detail: string };
  try {
    reading = await probe(spec, state, target);
  } catch (err) {
    return failed(spec, state, { atMs: now, desired }, failureOf(err, 'probe'));
  }
  state.lastObservation = { power: reading.power, detail: reading.detail, atMs: Date.now() };
  state.consecutiveFailures = 0;
  const checked = { atMs: now, desired, observed: reading.power };

  const decision = decide(desired, reading.power);
  if (decision !== 'command') return { ...checked, outcome: decision };
  try {
    state.commandsSent++;
    recordCommand(spec, desired);
    await commandActivity(spec, desired)(target, desired);
    return { ...checked, outcome: 'commanded' };
  } catch (err) {
    const failure = failureOf(err, 'command');
    if (failure.type === DEVICE_BUSY) return { ...checked, outcome: 'transitional', failure };
    return failed(spec, state, checked, failure);
  }
}

/**
 * A machine whose last probe answered is probed by a local activity: one attempt under a short
 * deadline, inside the tick's one workflow task, one marker in history. When it fails, the same
 * tick probes again as a regular activity, and so does every tick after until a probe answers:
 * a failing device call is then an activity task in history, red in the Web UI with its message,
 * and the workflow task is not held while the device hangs (queries and signals are answered).
 */
async function probe(spec: MachineSpec, state: MachineState, target: MachineTarget): Promise<PowerReading> {
  if (!patched(PROBE_PATH_BY_LAST_RESULT)) return legacyProbeActivity(spec)(target);
  if (state.probePath !== 'activity') {
    try {
      return await localProbeActivity(spec)(target, { withinMs: LOCAL_PROBE_LIMIT_MS });
    } catch (err) {
      const failure = failureOf(err, 'probe');
      log.info(`${spec.id}: local probe failed, probing again as an activity`, { failureType: failure.type, message: failure.message });
      state.probePath = 'activity';
    }
  }
  const reading = await probeActivity(spec)(target);
  state.probePath = 'local';
  return reading;
}

function expireControls(state: MachineState, now: number): void {
  const system = { by: 'schedule', reason: 'expired' };
  if (state.override && !isInEffect(state.override, now)) {
    state.override = undefined;
    recordAudit(state, { atMs: now, action: 'override expired', ...system });
  }
  if (state.maintenance && !isInEffect(state.maintenance, now)) {
    state.maintenance = undefined;
    recordAudit(state, { atMs: now, action: 'maintenance expired', ...system });
  }
}

function failed(
  spec: MachineSpec,
  state: MachineState,
  checked: Omit<CheckResult, 'outcome'>,
  failure: CheckFailure,
): CheckResult {
  state.consecutiveFailures++;
  log.info(`${spec.id}: ${failure.step} failed`, { failureType: failure.type, message: failure.message });
  return { ...checked, outcome: 'failed', failure };
}

function targetOf(spec: MachineSpec): MachineTarget {
  return { id: spec.id, name: spec.name, address: spec.address, driver: spec.driver };
}

/** Only activity failures are device trouble; anything else is a bug and must fail the workflow task. */
function failureOf(err: unknown, step: CheckFailure['step']): CheckFailure {
  // A local activity's failure arrives unwrapped, a remote one's inside an ActivityFailure.
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof TemporalFailure)) throw err;
  if (cause instanceof ApplicationFailure) return { step, type: cause.type ?? 'Error', message: cause.message };
  if (cause instanceof TimeoutFailure) {
    return { step, type: 'ActivityTimeout', message: `activity ${cause.timeoutType} timeout: ${cause.message}` };
  }
  return { step, type: cause.name, message: cause.message };
}

const DRIVER_LABELS: Record<MachineSpec['driver']['type'], string> = {
  pjlink: 'PJLink',
  http: 'HTTP',
  tcp: 'TCP',
  wol: 'Wake-on-LAN',
};

/**
 * Both device calls run under the driver's own deadline, with Temporal's start-to-close timeout a
 * margin above it as the backstop, and at most two attempts inside the tick (the next tick tries
 * again anyway).
 */
function deviceCallOptions(spec: MachineSpec, summary: string) {
  return {
    startToCloseTimeout: deviceCallTimeoutMs(spec.driver),
    retry: {
      maximumAttempts: DEVICE_CALL_ATTEMPTS,
      initialInterval: DEVICE_CALL_RETRY_INTERVAL_MS,
      backoffCoefficient: 1,
      nonRetryableErrorTypes: [...nonRetryableDeviceErrors],
    },
    summary,
  };
}

/**
 * Every tick of a healthy machine probes, so that probe is a local activity: it runs on the worker
 * that holds the workflow, inside the tick's one workflow task, and history records one marker
 * instead of an activity task's three events and a second workflow task. That halves what a
 * healthy tick costs the Temporal server (BENCHMARKS.md). One attempt, its device call cut at
 * LOCAL_PROBE_LIMIT_MS, so the workflow task (and any query or signal waiting behind it) is held
 * for seconds at most, even by a device that accepts and never answers.
 */
function localProbeActivity(spec: MachineSpec) {
  return proxyLocalActivities<Activities>({
    startToCloseTimeout: localProbeTimeoutMs(spec.driver),
    retry: { maximumAttempts: 1 },
    summary: probeSummary(spec),
  }).probePower;
}

/** The probe of a machine whose last probe failed: a regular activity with the device call's full bounds. */
function probeActivity(spec: MachineSpec) {
  return proxyActivities<Activities>(deviceCallOptions(spec, probeSummary(spec))).probePower;
}

/**
 * Runs recorded before the two probe paths replay the probe they were recorded with: a local
 * activity with two attempts, or (before that) a full activity. Every run started since has the
 * newer marker; once none of the older runs is left (each continues as new within ticksPerRun),
 * these become deprecatePatch and then go.
 */
function legacyProbeActivity(spec: MachineSpec) {
  const options = deviceCallOptions(spec, probeSummary(spec));
  if (!patched(PROBE_AS_LOCAL_ACTIVITY)) return proxyActivities<Activities>(options).probePower;
  return proxyLocalActivities<Activities>(options).probePower;
}

function probeSummary(spec: MachineSpec): string {
  return `${DRIVER_LABELS[spec.driver.type]} probe ${spec.id}`;
}

const PROBE_AS_LOCAL_ACTIVITY = 'probe-as-local-activity';
const PROBE_PATH_BY_LAST_RESULT = 'probe-path-by-last-result';

/** Commands are rare and change the device: each is a full activity, its own task in the history. */
function commandActivity(spec: MachineSpec, power: Power) {
  return proxyActivities<Activities>(deviceCallOptions(spec, `${DRIVER_LABELS[spec.driver.type]} power ${power} ${spec.id}`)).setPower;
}

// ---- Visibility: search attributes and memo, written only when they change ----

function modeOf(state: MachineState): Mode {
  if (state.maintenance) return 'maintenance';
  return state.override ? 'override' : 'schedule';
}

function publish(spec: MachineSpec, state: MachineState, desired: Power, health: Health): void {
  const current = workflowInfo().typedSearchAttributes;
  const wanted = [
    { key: MachineId, value: spec.id },
    { key: MachineGroup, value: spec.group },
    { key: DesiredPower, value: desired },
    { key: ObservedPowerKey, value: state.lastObservation?.power ?? 'unknown' },
    { key: MachineHealth, value: health },
    { key: ControlMode, value: modeOf(state) },
  ];
  const changed = wanted.filter(({ key, value }) => current.get(key) !== value);
  if (changed.length > 0) upsertSearchAttributes(changed);
}

export function memoOf(spec: MachineSpec, configHash: string): Record<string, string> {
  return { name: spec.name, address: spec.address, driver: spec.driver.type, configHash };
}

function statusOf(spec: MachineSpec, state: MachineState, nextTickMs: number): MachineStatus {
  const now = Date.now();
  const desired = desiredPower(spec.schedule, state.override, now);
  return {
    id: spec.id,
    name: spec.name,
    group: spec.group,
    address: spec.address,
    driver: spec.driver.type,
    desired: desired.power,
    desiredSource: desired.source,
    observed: state.lastObservation,
    health: healthOf(state, spec),
    mode: modeOf(state),
    override: state.override,
    maintenance: state.maintenance,
    lastCheck: state.lastCheck,
    consecutiveFailures: state.consecutiveFailures,
    commandsSent: state.commandsSent,
    missedTicks: state.missedTicks,
    nextTickMs,
    nextScheduleChangeMs: nextScheduleChange(spec.schedule, now),
    audit: state.audit,
  };
}
