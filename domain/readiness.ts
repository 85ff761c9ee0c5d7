/**
 * Doors-open readiness: when the venue's reports are due, which machines each one is about, and
 * what it says of every machine. Pure and deterministic (the readiness workflow runs it): the
 * machines' state comes in as plain values, read from their workflows by an activity.
 */
import type { AspectValue } from './aspects';
import type { CheckFailure, CheckOutcome } from './check';
import { instantToLocal, isScheduledOn, nextScheduleChange } from './schedule';
import type { MachineSchedule, ObservedPower, Power } from './types';

/** Before each opening: is everything that must be on ready? After each closing: is everything off that should be? */
export const REPORT_KINDS = ['doors-open', 'after-closing'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The venue's readiness settings (the venue file's `readiness:`), resolved. */
export interface ReadinessSpec {
  venue: { name: string; timezone: string };
  /** The venue's opening hours: every window's start is an opening, every end a closing. Lead and lag are 0. */
  schedule: MachineSchedule;
  /** How long before an opening the doors-open check runs. */
  beforeMs: number;
  /** How long after a closing the after-closing report runs. */
  afterClosingMs: number;
  /** How long the check waits, after asking lagging machines to correct themselves once more, before it reports. */
  recheckAfterMs: number;
}

export interface ReadinessEvent {
  kind: ReportKind;
  /** The opening or closing the report is about. */
  referenceMs: number;
  /** When the check runs; in the past for an opening that is close when the workflow starts (it runs at once). */
  dueMs: number;
}

/** Which report, about which opening or closing. */
export type ReportAbout = Pick<ReadinessEvent, 'kind' | 'referenceMs'>;

/** The opening or closing last reported, by kind: each is reported once, also across continue-as-new. */
export type ReportedThrough = Partial<Record<ReportKind, number>>;

const SEARCH_HORIZON_MS = 8 * 86_400_000;

/**
 * The next report to run after `nowMs`: the soonest due among the next opening not yet reported
 * (even when its check time has passed, so a worker that was down at the check time still reports
 * before the doors open) and the last closing whose report is still to come.
 */
export function nextReadinessEvent(spec: ReadinessSpec, nowMs: number, reported: ReportedThrough): ReadinessEvent | undefined {
  const candidates: ReadinessEvent[] = [];
  const limitMs = nowMs + SEARCH_HORIZON_MS;
  for (let atMs = nowMs - spec.afterClosingMs; ; ) {
    const boundaryMs = nextScheduleChange(spec.schedule, atMs, limitMs - atMs);
    if (boundaryMs === undefined) break;
    atMs = boundaryMs;
    if (isScheduledOn(spec.schedule, boundaryMs)) {
      if (boundaryMs > nowMs && boundaryMs > (reported['doors-open'] ?? -Infinity)) {
        candidates.push({ kind: 'doors-open', referenceMs: boundaryMs, dueMs: boundaryMs - spec.beforeMs });
        break;
      }
    } else if (boundaryMs + spec.afterClosingMs > nowMs && boundaryMs > (reported['after-closing'] ?? -Infinity)) {
      candidates.push({ kind: 'after-closing', referenceMs: boundaryMs, dueMs: boundaryMs + spec.afterClosingMs });
    }
  }
  return candidates.sort((a, b) => a.dueMs - b.dueMs)[0];
}

/**
 * A report someone asks for now: doors-open about the next opening, after-closing about the last
 * closing (or now, when there was none in the last days).
 */
export function reportNowEvent(spec: ReadinessSpec, kind: ReportKind, nowMs: number): ReadinessEvent {
  if (kind === 'doors-open') {
    const next = nextReadinessEvent(spec, nowMs, { 'after-closing': Infinity });
    return { kind, referenceMs: next?.referenceMs ?? nowMs, dueMs: nowMs };
  }
  let lastClosingMs: number | undefined;
  for (let atMs = nowMs - SEARCH_HORIZON_MS; ; ) {
    const boundaryMs = nextScheduleChange(spec.schedule, atMs, nowMs - atMs);
    if (boundaryMs === undefined) break;
    atMs = boundaryMs;
    if (!isScheduledOn(spec.schedule, boundaryMs)) lastClosingMs = boundaryMs;
  }
  return { kind, referenceMs: lastClosingMs ?? nowMs, dueMs: nowMs };
}

/** What a report needs to know of one machine, read from its workflow; or why that could not be read. */
export type MachineReadinessInput = MachineReading | UnansweredMachine;

export interface MachineIdentity {
  id: string;
  name: string;
  group: string;
}

/** A machine whose workflow did not answer its queries: it counts as not ready, whatever its schedule. */
export interface UnansweredMachine extends MachineIdentity {
  unanswered: string;
}

export interface MachineReading extends MachineIdentity {
  /** What its schedule alone wants at the opening or closing. */
  scheduledAtReference: Power;
  /** What it should be at the reference time, overrides included. */
  desiredAtReference: { power: Power; source: 'schedule' | 'override' };
  /** What it should be now. */
  desiredNow: Power;
  health: 'ok' | 'failing' | 'blocked' | 'unknown';
  /** While blocked: the failing machines it waits on. */
  blockedBy?: string[];
  /** The machines a power step of it waits for. */
  waitingFor?: string[];
  observed?: ObservedPower;
  lastCheckAtMs?: number;
  /** How its last check ended: `commanded` when it just sent the command that should bring it right. */
  lastOutcome?: CheckOutcome;
  /** The failure of its last check, when that check failed. */
  failure?: CheckFailure;
  maintenance?: { untilMs?: number; by: string; reason: string };
  override?: { untilMs?: number; by: string; reason: string };
  /** Aspects whose last reading is not the wanted value. */
  driftedAspects: { name: string; wanted: AspectValue; observed?: AspectValue }[];
}

export interface NotReadyMachine {
  id: string;
  name: string;
  group: string;
  reason: string;
}

export interface ReadinessReport {
  kind: ReportKind;
  venue: string;
  referenceMs: number;
  checkedAtMs: number;
  /** Machines the report is about: those that must be on at the opening, or off after the closing. */
  machines: number;
  notReady: NotReadyMachine[];
  /** "all 14 machines ready for doors open at 09:00", "2 of 14 machines not ready for doors open at 09:00". */
  summary: string;
  /** How many machines were asked to check and correct themselves once more before the report. */
  checksRequested: number;
}

/** Whether the report is about the machine at all. */
export function inScope(kind: ReportKind, machine: MachineReadinessInput): boolean {
  if ('unanswered' in machine) return true;
  return kind === 'doors-open' ? machine.scheduledAtReference === 'on' : machine.desiredNow === 'off';
}

/** Why the machine is not ready for the report's reference time; undefined when it is ready. */
export function notReadyReason(event: ReportAbout, machine: MachineReadinessInput, timezone: string): string | undefined {
  if ('unanswered' in machine) return `its workflow did not answer: ${machine.unanswered}`;
  const { kind } = event;
  const until = (untilMs: number | undefined) => untilText(untilMs, event.referenceMs, timezone);
  if (machine.maintenance) return `in maintenance${until(machine.maintenance.untilMs)} (${machine.maintenance.by}: ${machine.maintenance.reason})`;
  if (kind === 'doors-open' && machine.desiredAtReference.power === 'off') {
    return `overridden off${until(machine.override?.untilMs)}${machine.override ? ` (${machine.override.by}: ${machine.override.reason})` : ''}`;
  }
  if (machine.health === 'failing') return machine.failure ? `failing: ${machine.failure.step} ${machine.failure.message}` : 'failing';
  if (machine.health === 'blocked') return `blocked by ${(machine.blockedBy ?? []).join(', ')}`;
  if (machine.health === 'unknown') return 'has not answered a check yet';
  if (machine.waitingFor && machine.waitingFor.length > 0) return `waiting for ${machine.waitingFor.join(', ')}`;
  if (kind === 'after-closing') {
    if (machine.observed !== 'on' && machine.observed !== 'warming') return undefined;
    return machine.lastOutcome === 'commanded' ? 'switched off by the check, not confirmed yet' : `still ${machine.observed}`;
  }
  if (machine.desiredNow === 'on' && machine.observed !== 'on') {
    if (machine.observed === 'warming') return 'warming up';
    return machine.lastOutcome === 'commanded' ? 'switched on by the check, not confirmed yet' : `${machine.observed ?? 'unknown'}, should be on`;
  }
  const [drifted] = machine.driftedAspects;
  if (drifted) return `${drifted.name} ${String(drifted.observed ?? 'unknown')}, wanted ${String(drifted.wanted)}`;
  return undefined;
}

/** Machines the report checks again (and so corrects) before it reports: all it is about, except those held by maintenance or an override. */
export function worthChecking(event: ReportAbout, machine: MachineReadinessInput): boolean {
  if ('unanswered' in machine || machine.maintenance) return false;
  if (event.kind === 'doors-open' && machine.desiredAtReference.power === 'off') return false;
  return inScope(event.kind, machine);
}

/** A machine whose check has just commanded it, or found it warming or cooling: one more check tells whether it got there. */
export function needsAnotherCheck(machine: MachineReadinessInput): boolean {
  return !('unanswered' in machine) && (machine.lastOutcome === 'commanded' || machine.lastOutcome === 'transitional');
}

/** The machines the report asked to check and correct themselves, and when. */
export interface ChecksRequested {
  ids: string[];
  atMs: number;
}

export function buildReport(
  event: ReportAbout,
  venue: ReadinessSpec['venue'],
  machines: MachineReadinessInput[],
  checkedAtMs: number,
  checksRequested: ChecksRequested,
): ReadinessReport {
  const asked = new Set(checksRequested.ids);
  const about = machines.filter((machine) => inScope(event.kind, machine));
  const notReady = about
    .map((machine) => ({ machine, reason: notReadyReason(event, machine, venue.timezone) ?? notCheckedSince(machine, asked, checksRequested.atMs, venue.timezone) }))
    .filter((entry): entry is { machine: MachineReadinessInput; reason: string } => entry.reason !== undefined)
    .map(({ machine, reason }) => ({ id: machine.id, name: machine.name, group: machine.group, reason }))
    .sort((a, b) => a.group.localeCompare(b.group) || a.id.localeCompare(b.id));
  return {
    kind: event.kind,
    venue: venue.name,
    referenceMs: event.referenceMs,
    checkedAtMs,
    machines: about.length,
    notReady,
    summary: summaryOf(event.kind, about.length, notReady.length, instantToLocal(event.referenceMs, venue.timezone).time),
    checksRequested: checksRequested.ids.length,
  };
}

/** A machine that reads ready but was asked to check itself and has not: its reading is older than the report. */
function notCheckedSince(machine: MachineReadinessInput, asked: Set<string>, askedAtMs: number, timezone: string): string | undefined {
  if (!asked.has(machine.id) || 'unanswered' in machine || (machine.lastCheckAtMs ?? 0) >= askedAtMs) return undefined;
  const last = machine.lastCheckAtMs === undefined ? 'never checked' : `last check ${instantToLocal(machine.lastCheckAtMs, timezone).time}`;
  return `not checked since the report asked at ${instantToLocal(askedAtMs, timezone).time} (${last})`;
}

function summaryOf(kind: ReportKind, machines: number, notReady: number, at: string): string {
  const count = (n: number) => `${n} machine${n === 1 ? '' : 's'}`;
  if (kind === 'doors-open') {
    return notReady === 0 ? `all ${count(machines)} ready for doors open at ${at}` : `${notReady} of ${count(machines)} not ready for doors open at ${at}`;
  }
  return notReady === 0 ? `all ${count(machines)} off after closing at ${at}` : `${notReady} of ${count(machines)} not off after closing at ${at}`;
}

/** "until 14:00" on the reference's own day, "until 2026-12-02 14:00" on another. */
function untilText(untilMs: number | undefined, referenceMs: number, timezone: string): string {
  if (untilMs === undefined) return '';
  const until = instantToLocal(untilMs, timezone);
  return until.date === instantToLocal(referenceMs, timezone).date ? ` until ${until.time}` : ` until ${until.date} ${until.time}`;
}
