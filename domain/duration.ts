/**
 * Human durations as written in the venue file: `500ms`, `30s`, `15m`, `2h`, `1d` and
 * combinations from the largest unit down (`1h30m`, `2m30s`). Pure: safe in workflow code.
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS_LARGEST_FIRST = Object.keys(UNIT_MS) as Unit[];

const PART = /(\d+)(ms|s|m|h|d)/y;

export class InvalidDurationError extends Error {
  constructor(readonly text: string) {
    super(`invalid duration ${JSON.stringify(text)}: expected a whole number with a unit (ms, s, m, h, d), e.g. 500ms, 30s, 15m, 1h30m`);
    this.name = 'InvalidDurationError';
  }
}

export function parseDuration(text: string): number {
  const compact = text.trim();
  let totalMs = 0;
  let position = 0;
  // Units must descend and appear once each, so `30m1h` or `1m1m` (likely typos) are rejected.
  let smallestUnitSoFar = -1;
  while (position < compact.length) {
    PART.lastIndex = position;
    const match = PART.exec(compact);
    if (!match) throw new InvalidDurationError(text);
    const [whole, amount, unit] = match as unknown as [string, string, Unit];
    const unitRank = UNITS_LARGEST_FIRST.indexOf(unit);
    if (unitRank <= smallestUnitSoFar) throw new InvalidDurationError(text);
    smallestUnitSoFar = unitRank;
    totalMs += Number(amount) * UNIT_MS[unit];
    position += whole.length;
  }
  if (position === 0 || !Number.isSafeInteger(totalMs)) throw new InvalidDurationError(text);
  return totalMs;
}

/** The inverse of parseDuration: `5400000` -> `1h30m`, `0` -> `0ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let remainingMs = Math.round(ms);
  if (remainingMs === 0) return '0ms';
  let text = '';
  for (const unit of UNITS_LARGEST_FIRST) {
    const amount = Math.floor(remainingMs / UNIT_MS[unit]);
    if (amount > 0) text += `${amount}${unit}`;
    remainingMs -= amount * UNIT_MS[unit];
  }
  return text;
}
