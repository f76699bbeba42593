// Owns: printing timestamps the way helm (Go's time package) prints them: `time.String()` (list's UPDATED), ANSIC
// (status / history text), RFC 3339 with trimmed nanoseconds (JSON), and any Go reference-time layout
// (`list --time-format "2006-01-02 15:04:05Z0700"`). Local time for text, UTC for JSON, as helm shows them.
// Must not: import anything (loaded by every listing command).

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Go's layout elements, longest first where one is a prefix of another (time/format.go's nextStdChunk). */
const TOKEN = /January|Jan|Monday|Mon|MST|2006|Z07:00:00|Z070000|Z07:00|Z0700|Z07|-07:00:00|-070000|-07:00|-0700|-07|[.,](?:0+|9+)(?!\d)|002|__2|_2|01|02|03|04|05|06|15|PM|pm|1|2|3|4|5/g;

const pad = (n: number, w = 2, c = '0') => String(n).padStart(w, c);

/** The short name of the local zone at `d` ("UTC", "CET", else "GMT+1"-style, as Intl knows it). */
function zoneName(d: Date, utc: boolean): string {
  if (utc) return 'UTC';
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** `d` formatted with a Go reference-time layout (Mon Jan 2 15:04:05 MST 2006). */
export function goFormat(d: Date, layout: string, utc = false): string {
  const f = utc
    ? { y: d.getUTCFullYear(), mo: d.getUTCMonth(), day: d.getUTCDate(), wd: d.getUTCDay(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), off: 0 }
    : { y: d.getFullYear(), mo: d.getMonth(), day: d.getDate(), wd: d.getDay(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds(), off: -d.getTimezoneOffset() };
  const ms = d.getUTCMilliseconds();
  const nanos = pad(ms, 3) + '000000';
  const yday = Math.floor((Date.UTC(f.y, f.mo, f.day) - Date.UTC(f.y, 0, 1)) / 86_400_000) + 1;
  const zone = (zulu: boolean, colon: boolean, secs: boolean, hoursOnly: boolean) => {
    if (zulu && f.off === 0) return 'Z';
    const a = Math.abs(f.off);
    const sign = f.off < 0 ? '-' : '+';
    if (hoursOnly) return `${sign}${pad(Math.floor(a / 60))}`;
    return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(a % 60)}${secs ? `${colon ? ':' : ''}00` : ''}`;
  };
  const h12 = f.h % 12 === 0 ? 12 : f.h % 12;
  return layout.replace(TOKEN, (t) => {
    switch (t) {
      case 'January': return MONTHS[f.mo]!;
      case 'Jan': return MONTHS[f.mo]!.slice(0, 3);
      case 'Monday': return DAYS[f.wd]!;
      case 'Mon': return DAYS[f.wd]!.slice(0, 3);
      case 'MST': return zoneName(d, utc);
      case '2006': return pad(f.y, 4);
      case '06': return pad(f.y % 100);
      case '01': return pad(f.mo + 1);
      case '1': return String(f.mo + 1);
      case '02': return pad(f.day);
      case '2': return String(f.day);
      case '_2': return pad(f.day, 2, ' ');
      case '002': return pad(yday, 3);
      case '__2': return pad(yday, 3, ' ');
      case '15': return pad(f.h);
      case '03': return pad(h12);
      case '3': return String(h12);
      case '04': return pad(f.mi);
      case '4': return String(f.mi);
      case '05': return pad(f.s);
      case '5': return String(f.s);
      case 'PM': return f.h >= 12 ? 'PM' : 'AM';
      case 'pm': return f.h >= 12 ? 'pm' : 'am';
      case 'Z07:00:00': return zone(true, true, true, false);
      case 'Z070000': return zone(true, false, true, false);
      case 'Z07:00': return zone(true, true, false, false);
      case 'Z0700': return zone(true, false, false, false);
      case 'Z07': return zone(true, false, false, true);
      case '-07:00:00': return zone(false, true, true, false);
      case '-070000': return zone(false, false, true, false);
      case '-07:00': return zone(false, true, false, false);
      case '-0700': return zone(false, false, false, false);
      case '-07': return zone(false, false, false, true);
      default: {
        // A fraction: .000 (fixed width) or .999 (trailing zeros and an all-zero fraction dropped).
        const digits = nanos.slice(0, t.length - 1);
        if (t[1] === '0') return t[0] + digits;
        const trimmed = digits.replace(/0+$/, '');
        return trimmed ? t[0] + trimmed : '';
      }
    }
  });
}

const parse = (iso: string): Date | undefined => {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** Go's `time.Time.String()` in local time ("2026-12-01 12:25:47.95 +0000 UTC"), helm list's UPDATED; "-" when unset. */
export const goTimeString = (iso: string): string => {
  const d = parse(iso);
  return d ? goFormat(d, '2006-01-02 15:04:05.999999999 -0700 MST') : '-';
};

/** ANSIC in local time ("Tue Dec  1 12:25:40 2026"), what helm's text output shows. */
export const ansic = (iso: string): string => {
  const d = parse(iso);
  return d ? goFormat(d, 'Mon Jan _2 15:04:05 2006') : '';
};

/** RFC 3339 with trimmed fractional seconds, UTC ("2026-12-01T12:25:40.503Z"): Go's JSON encoding of a time. */
export const rfc3339Nano = (iso: string): string => {
  const d = parse(iso);
  return d ? goFormat(d, '2006-01-02T15:04:05.999999999Z07:00', true) : iso;
};

/** RFC 3339 to the second, UTC (`get metadata`'s deployedAt). */
export const rfc3339 = (iso: string): string => {
  const d = parse(iso);
  return d ? goFormat(d, '2006-01-02T15:04:05Z07:00', true) : iso;
};
