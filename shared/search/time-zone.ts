/**
 * The user's time zone, by its IANA name ("Europe/Berlin"), through the runtime's Intl data: the
 * offset from UTC at a given instant, which changes with daylight saving time. "Yesterday" begins
 * at the user's midnight, and a day of July in Berlin at UTC+2 although the search runs in winter.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(zone: string): Intl.DateTimeFormat | undefined {
  let f = formats.get(zone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    return undefined; // RangeError: not a zone this runtime knows
  }
  if (formats.size > 200) formats.clear(); // names come from requests: keep the memo bounded
  formats.set(zone, f);
  return f;
}

/** The zone's canonical IANA name ("europe/berlin" → "Europe/Berlin"), or undefined when the runtime does not know it. */
export function canonicalTimeZone(zone: string): string | undefined {
  return formatOf(zone)?.resolvedOptions().timeZone;
}

/** Minutes the zone is ahead of UTC at this instant (120 for Berlin in summer). */
export function zoneOffsetMinutes(zone: string, instant: number): number {
  const f = formatOf(zone);
  if (!f || !Number.isFinite(instant)) return 0;
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(instant))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const year = p.year ?? 1970;
  // formatToParts gives no era: years before 1 AD would come back positive; no search reaches them.
  const wall = Date.UTC(year, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** A zone, or a fixed offset where no zone was given. */
export type ZoneOrOffset = { zone: string } | { offsetMinutes: number };

/** Milliseconds of the user's wall-clock time (read as if UTC) at an instant. */
export function toWallClock(instant: number, z: ZoneOrOffset): number {
  return instant + ('zone' in z ? zoneOffsetMinutes(z.zone, instant) : z.offsetMinutes) * 60_000;
}

/**
 * The instant a wall-clock time names. Around a change of offset, the offset of the wall time
 * itself is found in two steps; a time skipped by the spring change maps to the instant after it.
 */
export function fromWallClock(wall: number, z: ZoneOrOffset): number {
  if (!('zone' in z)) return wall - z.offsetMinutes * 60_000;
  const guess = wall - zoneOffsetMinutes(z.zone, wall) * 60_000;
  return wall - zoneOffsetMinutes(z.zone, guess) * 60_000;
}
