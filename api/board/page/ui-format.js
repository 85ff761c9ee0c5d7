/** Times and labels as an operator reads them: in the venue's timezone when the API knows it. */

let timeZone;

export function useTimeZone(zone) {
  timeZone = zone || undefined;
}

const formatters = new Map();

function formatter(options) {
  const key = JSON.stringify(options) + timeZone;
  let format = formatters.get(key);
  if (!format) {
    // 24-hour clock whatever the phone's locale: "8:00" must never be ambiguous in a venue.
    format = new Intl.DateTimeFormat(undefined, { hourCycle: 'h23', ...options, timeZone });
    formatters.set(key, format);
  }
  return format;
}

/** "22:00" today, "Sat 22:00" within a week, "12 Jun 22:00" later. */
export function formatWhen(ms) {
  const distance = Math.abs(ms - Date.now());
  const time = { hour: '2-digit', minute: '2-digit' };
  if (distance < 12 * 3600_000) return formatter(time).format(ms);
  if (distance < 6 * 86400_000) return formatter({ weekday: 'short', ...time }).format(ms);
  return formatter({ day: 'numeric', month: 'short', ...time }).format(ms);
}

export function formatClock(ms) {
  return formatter({ hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms);
}

export function untilText(untilMs) {
  return untilMs === undefined ? 'until cleared' : `until ${formatWhen(untilMs)}`;
}

export function powerText(power) {
  return (power ?? 'unknown').toUpperCase();
}
