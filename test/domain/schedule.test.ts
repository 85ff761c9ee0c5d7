import { describe, expect, it } from 'vitest';
import {
  instantToLocal,
  isScheduledOn,
  isValidTimeZone,
  localToInstant,
  nextScheduleChange,
  parseTimeWindow,
  weekdayOf,
} from '../../domain/schedule';
import type { MachineSchedule, ScheduleException, TimeWindow, Weekday } from '../../domain/types';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function schedule(options: {
  weekly?: Partial<Record<Weekday, TimeWindow[]>>;
  exceptions?: ScheduleException[];
  timezone?: string;
  leadMs?: number;
  lagMs?: number;
}): MachineSchedule {
  return {
    name: 'test',
    timezone: options.timezone ?? 'Europe/London',
    weekly: {
      monday: [], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [], sunday: [],
      ...options.weekly,
    },
    exceptions: options.exceptions ?? [],
    leadMs: options.leadMs ?? 0,
    lagMs: options.lagMs ?? 0,
  };
}

const utc = (iso: string): number => Date.parse(iso);

/** Asserts the on/off state at each UTC instant, reporting all mismatches at once. */
function expectStates(subject: MachineSchedule, expected: Record<string, boolean>): void {
  const actual = Object.fromEntries(Object.keys(expected).map((iso) => [iso, isScheduledOn(subject, utc(iso))]));
  expect(actual).toEqual(expected);
}

describe('isScheduledOn', () => {
  // January: Europe/London is on GMT, so local time equals UTC in these cases.
  it('when a Tuesday has one window, then it is on from its open (inclusive) to its close (exclusive)', () => {
    expectStates(schedule({ weekly: { tuesday: ['10:00-18:00'] } }), {
      '2026-01-13T09:59:59.999Z': false,
      '2026-01-13T10:00:00Z': true,
      '2026-01-13T17:59:59.999Z': true,
      '2026-01-13T18:00:00Z': false,
      '2026-01-14T12:00:00Z': false, // Wednesday has no windows
      '2026-01-20T12:00:00Z': true, // next Tuesday
    });
  });

  it('when a day has several windows, then it is off in the gap between them', () => {
    expectStates(schedule({ weekly: { saturday: ['10:00-13:00', '14:00-22:00'] } }), {
      '2026-01-17T12:59:00Z': true,
      '2026-01-17T13:00:00Z': false,
      '2026-01-17T13:59:00Z': false,
      '2026-01-17T14:00:00Z': true,
      '2026-01-17T21:59:00Z': true,
      '2026-01-17T22:00:00Z': false,
    });
  });

  it('when a window ends before it starts, then it runs across midnight into the next day', () => {
    expectStates(schedule({ weekly: { sunday: ['22:00-02:00'] } }), {
      '2026-01-18T21:59:00Z': false,
      '2026-01-18T23:30:00Z': true,
      '2026-01-19T01:30:00Z': true, // Monday, which has no windows of its own
      '2026-01-19T02:00:00Z': false,
      '2026-01-19T02:30:00Z': false,
    });
  });

  it('when a window is 00:00-24:00, then it covers the whole day and nothing of the next', () => {
    expectStates(schedule({ weekly: { wednesday: ['00:00-24:00'] } }), {
      '2026-01-13T23:59:59.999Z': false,
      '2026-01-14T00:00:00Z': true,
      '2026-01-14T23:59:59.999Z': true,
      '2026-01-15T00:00:00Z': false,
    });
  });

  describe('exceptions', () => {
    const friday = ['10:00-18:00'];

    it('when a date is closed by an exception, then it is off that day only', () => {
      expectStates(schedule({ weekly: { thursday: friday, friday }, exceptions: [{ date: '2026-12-25', windows: [] }] }), {
        '2026-12-24T12:00:00Z': true,
        '2026-12-25T12:00:00Z': false,
        '2027-01-01T12:00:00Z': true,
      });
    });

    it('when an exception gives special hours, then they replace the weekday windows', () => {
      expectStates(
        schedule({ weekly: { thursday: ['09:00-12:00'] }, exceptions: [{ date: '2026-12-31', windows: ['14:00-01:00'] }] }),
        {
          '2026-12-31T10:00:00Z': false, // the usual Thursday hours do not apply
          '2026-12-31T14:00:00Z': true,
          '2026-12-31T23:59:00Z': true,
          '2027-01-01T00:30:00Z': true,
          '2027-01-01T01:00:00Z': false,
        },
      );
    });

    it('when the day after a midnight-crossing window is closed, then the window still runs to its end', () => {
      expectStates(schedule({ weekly: { sunday: ['22:00-02:00'] }, exceptions: [{ date: '2026-01-19', windows: [] }] }), {
        '2026-01-18T23:00:00Z': true,
        '2026-01-19T01:30:00Z': true,
        '2026-01-19T02:00:00Z': false,
      });
    });

    it('when the day a midnight-crossing window starts on is closed, then none of it applies', () => {
      expectStates(schedule({ weekly: { sunday: ['22:00-02:00'] }, exceptions: [{ date: '2026-01-18', windows: [] }] }), {
        '2026-01-18T23:00:00Z': false,
        '2026-01-19T01:30:00Z': false,
      });
    });
  });

  describe('lead and lag', () => {
    it('when a machine has lead and lag, then it is on that much before the open and after the close', () => {
      expectStates(schedule({ weekly: { tuesday: ['10:00-18:00'] }, leadMs: 15 * MINUTE_MS, lagMs: 10 * MINUTE_MS }), {
        '2026-01-13T09:44:59.999Z': false,
        '2026-01-13T09:45:00Z': true,
        '2026-01-13T18:09:59.999Z': true,
        '2026-01-13T18:10:00Z': false,
      });
    });

    it('when the lead reaches back over midnight, then it is on the evening before', () => {
      expectStates(schedule({ weekly: { tuesday: ['00:05-06:00'] }, leadMs: 15 * MINUTE_MS }), {
        '2026-01-12T23:49:00Z': false,
        '2026-01-12T23:50:00Z': true, // Monday evening
        '2026-01-13T00:04:00Z': true,
      });
    });

    it('when the lag reaches over midnight, then it stays on into the next day', () => {
      expectStates(schedule({ weekly: { tuesday: ['20:00-23:55'] }, lagMs: 10 * MINUTE_MS }), {
        '2026-01-14T00:04:59.999Z': true,
        '2026-01-14T00:05:00Z': false,
      });
    });

    it('when lead and lag join two windows, then it stays on between them', () => {
      expectStates(schedule({ weekly: { tuesday: ['10:00-12:00', '12:20-14:00'] }, leadMs: 10 * MINUTE_MS, lagMs: 10 * MINUTE_MS }), {
        '2026-01-13T12:05:00Z': true,
        '2026-01-13T12:10:00Z': true,
      });
    });
  });

  describe('Europe/London daylight saving', () => {
    const everySunday = (windows: TimeWindow[]): MachineSchedule => schedule({ weekly: { sunday: windows } });

    it('when the clocks went forward that night, then 09:00-17:00 is on from 08:00Z to 16:00Z', () => {
      expectStates(everySunday(['09:00-17:00']), {
        '2026-03-29T07:59:59.999Z': false,
        '2026-03-29T08:00:00Z': true, // 09:00 BST
        '2026-03-29T15:59:59.999Z': true,
        '2026-03-29T16:00:00Z': false, // 17:00 BST
      });
    });

    it('when the clocks went back that night, then 09:00-17:00 is on from 09:00Z to 17:00Z', () => {
      expectStates(everySunday(['09:00-17:00']), {
        '2026-10-25T08:59:59.999Z': false,
        '2026-10-25T09:00:00Z': true, // 09:00 GMT
        '2026-10-25T16:59:59.999Z': true,
        '2026-10-25T17:00:00Z': false, // 17:00 GMT
      });
    });

    it('when a window opens in the spring-forward gap, then it opens at the end of the gap', () => {
      // 01:30 does not exist on 2026-03-29: it moves forward by the hour to 02:30 BST (01:30Z); 03:00 BST is 02:00Z.
      expectStates(everySunday(['01:30-03:00']), {
        '2026-03-29T00:59:59.999Z': false, // 00:59 GMT, the last minute before the gap
        '2026-03-29T01:29:59.999Z': false, // 02:29 BST
        '2026-03-29T01:30:00Z': true, // 02:30 BST
        '2026-03-29T01:59:59.999Z': true,
        '2026-03-29T02:00:00Z': false, // 03:00 BST
      });
    });

    it('when a window runs across the spring-forward night, then it lasts an hour less', () => {
      expectStates(schedule({ weekly: { saturday: ['22:00-06:00'] } }), {
        '2026-03-28T21:59:00Z': false,
        '2026-03-28T22:00:00Z': true, // 22:00 GMT
        '2026-03-29T04:59:59.999Z': true,
        '2026-03-29T05:00:00Z': false, // 06:00 BST
      });
    });

    it('when a window runs across the fall-back night, then it lasts an hour more and covers both 01:30s', () => {
      expectStates(schedule({ weekly: { saturday: ['22:00-03:00'] } }), {
        '2026-10-24T20:59:59.999Z': false,
        '2026-10-24T21:00:00Z': true, // 22:00 BST
        '2026-10-25T00:30:00Z': true, // 01:30 BST
        '2026-10-25T01:30:00Z': true, // 01:30 GMT
        '2026-10-25T02:59:59.999Z': true,
        '2026-10-25T03:00:00Z': false, // 03:00 GMT
      });
    });

    it('when a window opens in the repeated hour of the fall-back night, then it opens at the earlier 01:30', () => {
      expectStates(everySunday(['01:30-02:30']), {
        '2026-10-25T00:29:59.999Z': false,
        '2026-10-25T00:30:00Z': true, // 01:30 BST, the first of the two
        '2026-10-25T02:29:59.999Z': true, // 02:29 GMT
        '2026-10-25T02:30:00Z': false,
      });
    });
  });

  it('when the venue is in Asia/Kolkata (UTC+05:30), then windows follow the half-hour offset', () => {
    expectStates(schedule({ timezone: 'Asia/Kolkata', weekly: { monday: ['09:00-17:00'], sunday: ['23:00-01:00'] } }), {
      '2026-01-12T03:29:59.999Z': false,
      '2026-01-12T03:30:00Z': true, // 09:00 IST
      '2026-01-12T11:29:59.999Z': true,
      '2026-01-12T11:30:00Z': false, // 17:00 IST
      '2026-01-11T17:29:59.999Z': false,
      '2026-01-11T17:30:00Z': true, // Sunday 23:00 IST
      '2026-01-11T19:29:59.999Z': true, // Monday 00:59 IST
      '2026-01-11T19:30:00Z': false, // Monday 01:00 IST
    });
  });
});

describe('nextScheduleChange', () => {
  const tuesdays = schedule({ weekly: { tuesday: ['10:00-18:00'] } });

  it('when before the open, then the next change is the open', () => {
    expect(nextScheduleChange(tuesdays, utc('2026-01-13T08:00:00Z'))).toBe(utc('2026-01-13T10:00:00Z'));
  });

  it('when exactly at the open, then the next change is the close', () => {
    expect(nextScheduleChange(tuesdays, utc('2026-01-13T10:00:00Z'))).toBe(utc('2026-01-13T18:00:00Z'));
  });

  it('when after the last window of the week, then the next change is next week', () => {
    expect(nextScheduleChange(tuesdays, utc('2026-01-13T18:00:00Z'))).toBe(utc('2026-01-20T10:00:00Z'));
  });

  it('when the next change lies beyond the horizon, then there is none', () => {
    expect(nextScheduleChange(tuesdays, utc('2026-01-14T12:00:00Z'), DAY_MS)).toBeUndefined();
  });

  it('when a lead applies, then the next change is the open minus the lead', () => {
    const withLead = schedule({ weekly: { tuesday: ['00:05-06:00'] }, leadMs: 15 * MINUTE_MS });
    expect(nextScheduleChange(withLead, utc('2026-01-12T12:00:00Z'))).toBe(utc('2026-01-12T23:50:00Z'));
  });

  it('when it is never on, or on all the time, then there is no change', () => {
    expect(nextScheduleChange(schedule({}), utc('2026-01-13T12:00:00Z'))).toBeUndefined();
    const allDay = Object.fromEntries(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [day, ['00:00-24:00']]),
    );
    expect(nextScheduleChange(schedule({ weekly: allDay }), utc('2026-01-13T12:00:00Z'))).toBeUndefined();
  });

  it('when windows touch across midnight, then their shared boundary is not a change', () => {
    const lateNights = schedule({ weekly: { friday: ['18:00-24:00'], saturday: ['00:00-02:00'] } });
    expect(nextScheduleChange(lateNights, utc('2026-01-16T20:00:00Z'))).toBe(utc('2026-01-17T02:00:00Z'));
  });

  it('when walked change by change through the fall-back week, then every change flips the state and nothing flips in between', () => {
    const busy = schedule({
      weekly: {
        friday: ['09:00-12:00', '13:00-17:30'],
        saturday: ['22:00-03:00'],
        sunday: ['01:30-02:30', '10:00-18:00'],
        monday: ['00:05-06:00'],
      },
      exceptions: [{ date: '2026-10-27', windows: ['12:00-13:00'] }],
      leadMs: 15 * MINUTE_MS,
      lagMs: 5 * MINUTE_MS,
    });
    const endMs = utc('2026-10-29T00:00:00Z');
    const changes: string[] = [];
    let atMs = utc('2026-10-22T00:00:00Z');
    for (let change = nextScheduleChange(busy, atMs); change !== undefined && change < endMs; change = nextScheduleChange(busy, atMs)) {
      const stateBefore = isScheduledOn(busy, atMs);
      for (let sampleMs = atMs; sampleMs < change; sampleMs += 15 * MINUTE_MS) {
        expect(isScheduledOn(busy, sampleMs), new Date(sampleMs).toISOString()).toBe(stateBefore);
      }
      expect(isScheduledOn(busy, change - 1)).toBe(stateBefore);
      expect(isScheduledOn(busy, change)).toBe(!stateBefore);
      changes.push(`${new Date(change).toISOString()} ${stateBefore ? 'off' : 'on'}`);
      atMs = change;
    }
    expect(changes).toEqual([
      '2026-10-23T07:45:00.000Z on', // Friday 09:00 BST - 15m
      '2026-10-23T11:05:00.000Z off',
      '2026-10-23T11:45:00.000Z on',
      '2026-10-23T16:35:00.000Z off',
      '2026-10-24T20:45:00.000Z on', // Saturday 22:00 BST - 15m
      '2026-10-25T03:05:00.000Z off', // Sunday 03:00 GMT + 5m; the 01:30 BST window lies inside it
      '2026-10-25T09:45:00.000Z on', // Sunday 10:00 GMT - 15m
      '2026-10-25T18:05:00.000Z off',
      '2026-10-25T23:50:00.000Z on', // Monday 00:05 - 15m
      '2026-10-26T06:05:00.000Z off',
      '2026-10-27T11:45:00.000Z on', // Tuesday exception 12:00-13:00
      '2026-10-27T13:05:00.000Z off',
    ]);
  });
});

describe('local time helpers', () => {
  it('when a local time falls in the spring-forward gap, then it moves forward by the gap', () => {
    expect(localToInstant('2026-03-29', '01:30', 'Europe/London')).toBe(utc('2026-03-29T01:30:00Z'));
    expect(localToInstant('2026-03-29', '00:59', 'Europe/London')).toBe(utc('2026-03-29T00:59:00Z'));
    expect(localToInstant('2026-03-29', '02:00', 'Europe/London')).toBe(utc('2026-03-29T01:00:00Z'));
  });

  it('when a local time occurs twice on the fall-back night, then the earlier instant is taken', () => {
    expect(localToInstant('2026-10-25', '01:30', 'Europe/London')).toBe(utc('2026-10-25T00:30:00Z'));
    expect(localToInstant('2026-10-25', '02:00', 'Europe/London')).toBe(utc('2026-10-25T02:00:00Z'));
  });

  it('when a zone shifts by 30 minutes (Australia/Lord_Howe), then gap times move forward by 30 minutes', () => {
    expect(localToInstant('2026-10-04', '02:15', 'Australia/Lord_Howe')).toBe(utc('2026-10-03T15:45:00Z')); // 02:45 +11:00
    expect(localToInstant('2026-04-05', '01:45', 'Australia/Lord_Howe')).toBe(utc('2026-04-04T14:45:00Z')); // the earlier 01:45, +11:00
  });

  it('when 24:00 is given, then it is the next midnight', () => {
    expect(localToInstant('2026-01-12', '24:00', 'Asia/Kolkata')).toBe(utc('2026-01-12T18:30:00Z'));
  });

  it('when an instant is converted to local time, then it gives the local date, time and weekday', () => {
    expect(instantToLocal(utc('2026-01-11T18:29:59Z'), 'Asia/Kolkata')).toEqual({ date: '2026-01-11', time: '23:59', weekday: 'sunday' });
    expect(instantToLocal(utc('2026-01-11T18:30:00Z'), 'Asia/Kolkata')).toEqual({ date: '2026-01-12', time: '00:00', weekday: 'monday' });
    expect(instantToLocal(utc('2026-10-25T01:30:00Z'), 'Europe/London')).toEqual({ date: '2026-10-25', time: '01:30', weekday: 'sunday' });
    expect(instantToLocal(utc('2026-10-25T00:30:00Z'), 'Europe/London')).toEqual({ date: '2026-10-25', time: '01:30', weekday: 'sunday' });
  });

  it('when local times of a whole year are converted there and back, then only the gap time has moved', () => {
    for (let day = 0; day < 365; day++) {
      const date = new Date(utc('2026-01-01T00:00:00Z') + day * DAY_MS).toISOString().slice(0, 10);
      for (const time of ['00:00', '01:30', '02:30', '12:45', '23:59']) {
        const local = instantToLocal(localToInstant(date, time, 'America/New_York'), 'America/New_York');
        const isInSpringForwardGap = date === '2026-03-08' && time === '02:30';
        expect(local, `${date} ${time}`).toEqual({ date, time: isInSpringForwardGap ? '03:30' : time, weekday: weekdayOf(date) });
      }
    }
  });

  it('when a date is given, then its weekday is returned', () => {
    expect(weekdayOf('2026-03-29')).toBe('sunday');
    expect(weekdayOf('2026-12-25')).toBe('friday');
    expect(weekdayOf('1969-12-31')).toBe('wednesday');
  });

  it('when a time window is parsed, then it gives minutes after midnight', () => {
    expect(parseTimeWindow('22:00-02:00')).toEqual({ startMinute: 1320, endMinute: 120 });
    expect(parseTimeWindow('00:00-24:00')).toEqual({ startMinute: 0, endMinute: 1440 });
    for (const bad of ['24:00-01:00', '9:00-17:00', '10:00-18:60', '10:00', '10:00-24:01', ' 10:00-18:00']) {
      expect(() => parseTimeWindow(bad), bad).toThrow(/invalid time window/);
    }
  });

  it('when a zone name is checked, then IANA names pass and others fail', () => {
    expect(isValidTimeZone('Europe/London')).toBe(true);
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Europe/Londn')).toBe(false);
    expect(isValidTimeZone('+05:30')).toBe(false);
  });
});
