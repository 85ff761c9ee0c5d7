import { describe, expect, it } from 'vitest';
import {
  buildReport,
  needsAnotherCheck,
  nextReadinessEvent,
  notReadyReason,
  reportNowEvent,
  worthChecking,
  type MachineReading,
  type ReadinessSpec,
} from '../../domain/readiness';
import { schedule } from '../support/specs';

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);
/** London, 09:00-18:00 every day; in July that is 08:00-17:00 UTC. */
const spec: ReadinessSpec = {
  venue: { name: 'Harbour Museum', timezone: 'Europe/London' },
  schedule: schedule(['09:00-18:00'], 'Europe/London'),
  beforeMs: 20 * MINUTE,
  afterClosingMs: 15 * MINUTE,
  recheckAfterMs: MINUTE,
};
const OPENING = at('2026-07-01T08:00:00Z');
const CLOSING = at('2026-07-01T17:00:00Z');

const ready: MachineReading = {
  id: 'proj-01',
  name: 'Projector 1',
  group: 'gallery-west',
  scheduledAtReference: 'on',
  desiredAtReference: { power: 'on', source: 'schedule' },
  desiredNow: 'on',
  health: 'ok',
  observed: 'on',
  driftedAspects: [],
};
const doorsOpen = { kind: 'doors-open' as const, referenceMs: OPENING };

describe('when the next report is due', () => {
  it('when it is early morning, then the next report is the doors-open check 20 minutes before the opening', () => {
    expect(nextReadinessEvent(spec, at('2026-07-01T05:00:00Z'), {})).toEqual({ kind: 'doors-open', referenceMs: OPENING, dueMs: OPENING - 20 * MINUTE });
  });

  it('when the opening is closer than the check time and not yet reported (a worker back late), then it is due at once', () => {
    const now = OPENING - 5 * MINUTE;
    expect(nextReadinessEvent(spec, now, {})).toMatchObject({ kind: 'doors-open', referenceMs: OPENING });
    expect(nextReadinessEvent(spec, now, {})!.dueMs).toBeLessThan(now);
  });

  it('when the opening has been reported, then the next report is the one after the closing', () => {
    expect(nextReadinessEvent(spec, OPENING - 5 * MINUTE, { 'doors-open': OPENING })).toEqual({ kind: 'after-closing', referenceMs: CLOSING, dueMs: CLOSING + 15 * MINUTE });
  });

  it('when the venue closed ten minutes ago, then the after-closing report is due five minutes from now', () => {
    expect(nextReadinessEvent(spec, CLOSING + 10 * MINUTE, { 'doors-open': OPENING })).toEqual({ kind: 'after-closing', referenceMs: CLOSING, dueMs: CLOSING + 15 * MINUTE });
  });

  it('when the after-closing report is done, then the next is the next morning\'s doors-open check', () => {
    const next = nextReadinessEvent(spec, CLOSING + 20 * MINUTE, { 'doors-open': OPENING, 'after-closing': CLOSING });
    expect(next).toEqual({ kind: 'doors-open', referenceMs: OPENING + 24 * 60 * MINUTE, dueMs: OPENING + 24 * 60 * MINUTE - 20 * MINUTE });
  });

  it('when the venue never opens, then no report is due', () => {
    expect(nextReadinessEvent({ ...spec, schedule: schedule([]) }, OPENING, {})).toBeUndefined();
  });

  it('when someone asks for an after-closing report in the evening, then it is about that day\'s closing', () => {
    expect(reportNowEvent(spec, 'after-closing', CLOSING + 3 * 60 * MINUTE)).toMatchObject({ kind: 'after-closing', referenceMs: CLOSING });
    expect(reportNowEvent(spec, 'doors-open', CLOSING + 3 * 60 * MINUTE)).toMatchObject({ kind: 'doors-open', referenceMs: OPENING + 24 * 60 * MINUTE });
  });
});

describe('what a report says of a machine', () => {
  const tz = spec.venue.timezone;
  it('when a machine is on, answering and as wanted, then it is ready, and still checked once more', () => {
    expect(notReadyReason(doorsOpen, ready, tz)).toBeUndefined();
    expect(worthChecking(doorsOpen, ready)).toBe(true);
  });

  it.each([
    ['failing', { health: 'failing' as const, failure: { step: 'probe' as const, type: 'DeviceTimeoutError', message: 'no answer within 2000 ms' } }, 'failing: probe no answer within 2000 ms', true],
    ['off', { observed: 'off' as const }, 'off, should be on', true],
    ['warming', { observed: 'warming' as const }, 'warming up', true],
    ['just switched on by a check', { observed: 'off' as const, lastOutcome: 'commanded' as const }, 'switched on by the check, not confirmed yet', true],
    ['on the wrong input', { driftedAspects: [{ name: 'input', wanted: 'HDMI1', observed: 'HDMI2' }] }, 'input HDMI2, wanted HDMI1', true],
    ['never answered', { health: 'unknown' as const, observed: undefined }, 'has not answered a check yet', true],
    [
      'in maintenance until the afternoon',
      { maintenance: { untilMs: at('2026-07-01T13:00:00Z'), by: 'sam', reason: 'lamp change' } },
      'in maintenance until 14:00 (sam: lamp change)',
      false,
    ],
    [
      'overridden off for the opening',
      { desiredAtReference: { power: 'off' as const, source: 'override' as const }, override: { by: 'events', reason: 'private hire', untilMs: at('2026-07-02T08:00:00Z') } },
      'overridden off until 2026-07-02 09:00 (events: private hire)',
      false,
    ],
  ])('when a machine is %s, then the doors-open report gives its reason, and checks it again only when a check can help', (_what, change, reason, checked) => {
    const machine = { ...ready, ...change };
    expect(notReadyReason(doorsOpen, machine, tz)).toBe(reason);
    expect(worthChecking(doorsOpen, machine)).toBe(checked);
  });

  it('when a check has just commanded a machine or found it warming, then it gets one more check; one in sync or failing does not', () => {
    expect(needsAnotherCheck({ ...ready, lastOutcome: 'commanded' })).toBe(true);
    expect(needsAnotherCheck({ ...ready, lastOutcome: 'transitional' })).toBe(true);
    expect(needsAnotherCheck({ ...ready, lastOutcome: 'in-sync' })).toBe(false);
    expect(needsAnotherCheck({ ...ready, lastOutcome: 'failed' })).toBe(false);
  });

  it('when a machine is off now and its schedule turns it on at the opening, then it is ready if it answers', () => {
    expect(notReadyReason(doorsOpen, { ...ready, desiredNow: 'off', observed: 'off' }, tz)).toBeUndefined();
  });

  it('when a machine is still on after closing, then the after-closing report names it; one that is off is fine', () => {
    const afterClosing = { kind: 'after-closing' as const, referenceMs: CLOSING };
    const shouldBeOff = { ...ready, scheduledAtReference: 'off' as const, desiredAtReference: { power: 'off' as const, source: 'schedule' as const }, desiredNow: 'off' as const };
    expect(notReadyReason(afterClosing, shouldBeOff, tz)).toBe('still on');
    expect(notReadyReason(afterClosing, { ...shouldBeOff, observed: 'off' }, tz)).toBeUndefined();
  });
});

const pick = ({ id, name, group }: MachineReading) => ({ id, name, group });

describe('a whole report', () => {
  const machines = [
    ready,
    { ...ready, id: 'proj-02', name: 'Projector 2', health: 'failing' as const, failure: { step: 'probe' as const, type: 'DeviceTimeoutError', message: 'no answer' } },
    { ...ready, id: 'amp-01', name: 'Amplifier', group: 'audio', observed: 'off' as const },
    { ...ready, id: 'late-01', name: 'Evening projector', scheduledAtReference: 'off' as const, observed: 'off' as const, desiredNow: 'off' as const },
    { id: 'lost-01', name: 'lost-01', group: 'foyer', unanswered: 'no worker answered within 10000 ms' },
  ];

  it('when some machines lag, then the report lists exactly those the opening needs, with reasons, and counts only them', () => {
    const report = buildReport(doorsOpen, spec.venue, machines, OPENING - 19 * MINUTE, { ids: [], atMs: OPENING - 20 * MINUTE });
    expect(report.machines).toBe(4);
    expect(report.notReady).toEqual([
      { id: 'amp-01', name: 'Amplifier', group: 'audio', reason: 'off, should be on' },
      { id: 'lost-01', name: 'lost-01', group: 'foyer', reason: 'its workflow did not answer: no worker answered within 10000 ms' },
      { id: 'proj-02', name: 'Projector 2', group: 'gallery-west', reason: 'failing: probe no answer' },
    ]);
    expect(report.summary).toBe('3 of 4 machines not ready for doors open at 09:00');
  });

  it('when every machine is ready, then the summary says so', () => {
    expect(buildReport(doorsOpen, spec.venue, [ready, { ...ready, id: 'proj-02' }], OPENING - 19 * MINUTE, { ids: [], atMs: OPENING - 20 * MINUTE }).summary).toBe(
      'all 2 machines ready for doors open at 09:00',
    );
  });

  it('when a machine asked to check itself has not since, then its reading is too old to call it ready', () => {
    const askedAt = OPENING - 20 * MINUTE;
    const checkedBefore = { ...ready, lastCheckAtMs: askedAt - 5 * MINUTE };
    const checkedAfter = { ...ready, id: 'proj-02', lastCheckAtMs: askedAt + 2_000 };
    const report = buildReport(doorsOpen, spec.venue, [checkedBefore, checkedAfter], askedAt + MINUTE, { ids: ['proj-01', 'proj-02'], atMs: askedAt });
    expect(report.notReady).toEqual([{ ...pick(checkedBefore), reason: 'not checked since the report asked at 08:40 (last check 08:35)' }]);
    expect(report.checksRequested).toBe(2);
  });
});
