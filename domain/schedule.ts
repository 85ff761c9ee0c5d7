/**
 * Whether a machine should be on, from its weekly windows, dated exceptions and lead/lag.
 *
 * Runs inside Temporal workflow code, so it is pure and deterministic: no Node built-ins,
 * no I/O, no clock; time zones come from Intl (V8/ICU), which the workflow sandbox provides.
 *
 * Local times are mapped to instants the way Temporal.ZonedDateTime does with
 * disambiguation 'compatible':
 * - a local time that does not exist (the spring-forward gap) moves forward by the length
 *   of the gap: in Europe/London on 2026-03-29, 01:30 becomes 02:30 BST (01:30Z);
 * - a local time that occurs twice (the fall-back overlap) takes the earlier instant:
 *   in Europe/London on 2026-10-25, 01:30 is 01:30 BST (00:30Z), not 01:30 GMT.
 * The mapping never runs backwards, so a window's close is never before its open.
 * It assumes a zone changes its offset at most once within a day of any local time,
 * which holds for every IANA zone in use.
 */
import type { MachineSchedule, TimeWindow, Weekday } from './types';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;
const DEFAULT_HORIZON_MS = 8 * DAY_MS;

/** Indexed by day number modulo 7, where day 0 (1970-01-01) was a Thursday. */
const WEEKDAYS_FROM_THURSDAY: readonly Weekday[] = [
  'thursday', 'friday', 'saturday', 'sunday', 'monday', 'tuesday', 'wednesday',
];

export interface LocalDateTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM, 24-hour clock */
  time: string;
  weekday: Weekday;
}

export interface ParsedTimeWindow {
  /** Minutes after local midnight, 0..1439. */
  startMinute: number;
  /** Minutes after local midnight, 0..1440; at or before startMinute means the next day. */
  endMinute: number;
}

export class InvalidTimeWindowError extends Error {
  constructor(readonly window: string) {
    super(`invalid time window ${JSON.stringify(window)}: expected "HH:MM-HH:MM" on a 24-hour clock (24:00 allowed as an end)`);
    this.name = 'InvalidTimeWindowError';
  }
}

const TIME_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

export function parseTimeWindow(window: TimeWindow): ParsedTimeWindow {
  const match = TIME_WINDOW.exec(window);
  if (!match) throw new InvalidTimeWindowError(window);
  const [, startHour, startMinute, endHour = match[5], endMinute = match[6]] = match;
  return {
    startMinute: Number(startHour) * 60 + Number(startMinute),
    endMinute: Number(endHour) * 60 + Number(endMinute),
  };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function isScheduledOn(schedule: MachineSchedule, atMs: number): boolean {
  const today = localDayNumberAt(atMs, schedule.timezone);
  return onPeriods(schedule, today, today).some((period) => period.startMs <= atMs && atMs < period.endMs);
}

/**
 * The scene named by the window in effect at atMs (lead and lag included; of overlapping windows,
 * the latest to open that names one); undefined outside every window or when none names a scene.
 */
export function sceneAt(schedule: MachineSchedule, atMs: number): string | undefined {
  const { windowScenes } = schedule;
  if (!windowScenes) return undefined;
  const today = localDayNumberAt(atMs, schedule.timezone);
  return onPeriods(schedule, today, today)
    .filter((period) => period.startMs <= atMs && atMs < period.endMs && windowScenes[period.window] !== undefined)
    .sort((a, b) => b.startMs - a.startMs)
    .map((period) => windowScenes[period.window])[0];
}

/**
 * The first instant after atMs, at most horizonMs later, at which isScheduledOn changes value;
 * undefined when it stays the same throughout.
 */
export function nextScheduleChange(
  schedule: MachineSchedule,
  atMs: number,
  horizonMs: number = DEFAULT_HORIZON_MS,
): number | undefined {
  const limitMs = atMs + horizonMs;
  const periods = onPeriods(
    schedule,
    localDayNumberAt(atMs, schedule.timezone),
    localDayNumberAt(limitMs, schedule.timezone),
  );
  return mergeOverlapping(periods)
    .flatMap((period) => [period.startMs, period.endMs])
    .find((boundaryMs) => boundaryMs > atMs && boundaryMs <= limitMs);
}

/** The local date and time at an instant; seconds are dropped. */
export function instantToLocal(atMs: number, timeZone: string): LocalDateTime {
  const wallMs = wallClockAt(atMs, timeZone);
  const dayNumber = Math.floor(wallMs / DAY_MS);
  const minuteOfDay = Math.floor((wallMs - dayNumber * DAY_MS) / MINUTE_MS);
  return {
    date: dateOfDayNumber(dayNumber),
    time: `${twoDigits(Math.floor(minuteOfDay / 60))}:${twoDigits(minuteOfDay % 60)}`,
    weekday: weekdayOfDayNumber(dayNumber),
  };
}

/** The instant of a local date ("YYYY-MM-DD") and time ("HH:MM", "24:00" is the next midnight). */
export function localToInstant(date: string, time: string, timeZone: string): number {
  const match = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/.exec(time);
  if (!match) throw new RangeError(`invalid local time ${JSON.stringify(time)}: expected HH:MM`);
  const minuteOfDay = match[1] === undefined ? MINUTES_PER_DAY : Number(match[1]) * 60 + Number(match[2]);
  return localMinuteToInstant(dayNumberOfDate(date), minuteOfDay, timeZone);
}

export function weekdayOf(date: string): Weekday {
  return weekdayOfDayNumber(dayNumberOfDate(date));
}

interface Period {
  startMs: number;
  endMs: number;
  window: TimeWindow;
}

/**
 * On-periods of every window that can cover an instant on the local days firstDay..lastDay:
 * a window may start up to two days before (crossing midnight, then lag) or a day after
 * (lead), plus a day of margin each side for offset changes.
 */
function onPeriods(schedule: MachineSchedule, firstDay: number, lastDay: number): Period[] {
  const leadDays = Math.ceil(schedule.leadMs / DAY_MS);
  const lagDays = Math.ceil(schedule.lagMs / DAY_MS);
  const periods: Period[] = [];
  for (let day = firstDay - 3 - lagDays; day <= lastDay + 2 + leadDays; day++) {
    for (const window of windowsOfDay(schedule, day)) {
      const { startMinute, endMinute } = parseTimeWindow(window);
      const endDay = endMinute <= startMinute ? day + 1 : day;
      periods.push({
        startMs: localMinuteToInstant(day, startMinute, schedule.timezone) - schedule.leadMs,
        endMs: localMinuteToInstant(endDay, endMinute, schedule.timezone) + schedule.lagMs,
        window,
      });
    }
  }
  return periods;
}

function windowsOfDay(schedule: MachineSchedule, dayNumber: number): TimeWindow[] {
  const date = dateOfDayNumber(dayNumber);
  const exception = schedule.exceptions.find((candidate) => candidate.date === date);
  return exception ? exception.windows : schedule.weekly[weekdayOfDayNumber(dayNumber)];
}

/** Sorted, non-empty, disjoint and non-touching, so every boundary is a change. */
function mergeOverlapping(periods: Period[]): Period[] {
  const merged: Period[] = [];
  const byStart = periods.filter((period) => period.endMs > period.startMs).sort((a, b) => a.startMs - b.startMs);
  for (const period of byStart) {
    const last = merged[merged.length - 1];
    if (last && period.startMs <= last.endMs) last.endMs = Math.max(last.endMs, period.endMs);
    else merged.push({ ...period });
  }
  return merged;
}

// Wall-clock times are handled as "local milliseconds": the UTC epoch value the local
// date and time would have if the zone were UTC. Their difference to the instant is the offset.

function localMinuteToInstant(dayNumber: number, minuteOfDay: number, timeZone: string): number {
  const wallMs = dayNumber * DAY_MS + minuteOfDay * MINUTE_MS;
  const offsetBeforeMs = offsetAt(wallMs - DAY_MS, timeZone);
  const offsetAfterMs = offsetAt(wallMs + DAY_MS, timeZone);
  if (offsetBeforeMs === offsetAfterMs) return wallMs - offsetBeforeMs;
  const candidates = [wallMs - offsetBeforeMs, wallMs - offsetAfterMs].sort((a, b) => a - b);
  const existing = candidates.find((instantMs) => wallClockAt(instantMs, timeZone) === wallMs);
  // In a gap, reading the wall time with the offset from before the change moves it forward by the gap.
  return existing ?? wallMs - offsetBeforeMs;
}

/**
 * Every tick of every machine asks for the offsets at the same few local midnights-and-minutes, and
 * formatToParts was the costliest call in a tick's workflow code (a CPU profile of the soak): the
 * answers are kept. The offset at an instant never changes, so the cache cannot change a result.
 */
const offsets = new Map<string, number>();
const OFFSET_CACHE_LIMIT = 10_000;

function offsetAt(instantMs: number, timeZone: string): number {
  const key = `${timeZone} ${instantMs}`;
  let offsetMs = offsets.get(key);
  if (offsetMs === undefined) {
    if (offsets.size >= OFFSET_CACHE_LIMIT) offsets.clear();
    offsetMs = wallClockAt(instantMs, timeZone) - Math.floor(instantMs / 1000) * 1000;
    offsets.set(key, offsetMs);
  }
  return offsetMs;
}

function localDayNumberAt(atMs: number, timeZone: string): number {
  return Math.floor(wallClockAt(atMs, timeZone) / DAY_MS);
}

/** Local milliseconds at an instant, to the second. */
function wallClockAt(instantMs: number, timeZone: string): number {
  const fields: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) fields[part.type] = Number(part.value);
  return Date.UTC(fields.year ?? 0, (fields.month ?? 1) - 1, fields.day ?? 1, fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Formatters are costly to build and immutable, so one per zone is kept for the process. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function dayNumberOfDate(date: string): number {
  const match = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  if (!match) throw new RangeError(`invalid local date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

function dateOfDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function weekdayOfDayNumber(dayNumber: number): Weekday {
  return WEEKDAYS_FROM_THURSDAY[((dayNumber % 7) + 7) % 7] as Weekday;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}
