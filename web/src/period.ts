// Periods as ixdb prints them (common/period.cpp FormatPeriod) to the day their span ends, in
// seconds since 1970 (uPlot's time scale): 2023 -> 2023-12-31, 2023Q3 -> 2023-09-30,
// 2023H1 -> 2023-06-30, 2023Q1-Q3 -> 2023-09-30, 2023-07 and 2023M07 -> 2023-07-31,
// 2023M01-M05 -> 2023-05-31. A cumulative (year-to-date) span is plotted where it ends, so that
// Q1, H1 and Q1-Q3 of one year follow each other on the time axis.

// The last day of `month` (1-12) of `year`, at 00:00 UTC, in seconds.
function endOfMonth(year: number, month: number): number {
  return Date.UTC(year, month, 0) / 1000;  // day 0 of the next month
}

// null when the text is not a period ixdb prints.
export function periodEnd(text: string): number | null {
  let m = /^(\d{4})$/.exec(text);
  if (m) return endOfMonth(+m[1], 12);
  m = /^(\d{4})Q([1-4])$/.exec(text);
  if (m) return endOfMonth(+m[1], 3 * +m[2]);
  m = /^(\d{4})Q1-Q([1-4])$/.exec(text);
  if (m) return endOfMonth(+m[1], 3 * +m[2]);
  m = /^(\d{4})H([12])$/.exec(text);
  if (m) return endOfMonth(+m[1], 6 * +m[2]);
  m = /^(\d{4})(?:-|M)(\d{2})$/.exec(text);
  if (m && +m[2] >= 1 && +m[2] <= 12) return endOfMonth(+m[1], +m[2]);
  m = /^(\d{4})M01-M(\d{2})$/.exec(text);
  if (m && +m[2] >= 1 && +m[2] <= 12) return endOfMonth(+m[1], +m[2]);
  return null;
}

// The year a period lies in (for windows of years), or null.
export function periodYear(text: string): number | null {
  const m = /^(\d{4})/.exec(text);
  return m ? +m[1] : null;
}

const DAY = 86400;
const YEAR = 365.2425 * DAY;

// The end of `month` (1-12) of `year` in seconds, as periodEnd gives it.
const monthEnd = (year: number, month: number) => endOfMonth(year, month);

// Tick positions for a time axis whose points sit at period ends: the ends of years (labelled
// with the year they end), of quarters or of months, as many as fit about `max_ticks`. So the
// tick "2023" is where the annual 2023 value and 2023Q1-Q4 sit, and 2023Q1-Q3 lies a quarter
// before it.
export function periodTicks(min: number, max: number, max_ticks = 12): Array<[number, string]> {
  const span = Math.max(max - min, DAY);
  const first = new Date(min * 1000).getUTCFullYear();
  const last = new Date(max * 1000).getUTCFullYear();
  const ticks: Array<[number, string]> = [];
  const keep = (x: number) => x >= min - DAY && x <= max + DAY;
  if (span / YEAR >= 3) {
    const step = Math.max(1, Math.ceil(span / YEAR / max_ticks));
    for (let y = first - 1; y <= last; y++) {
      if (y % step === 0 && keep(monthEnd(y, 12))) ticks.push([monthEnd(y, 12), String(y)]);
    }
  } else if (span / YEAR >= 0.75) {
    for (let y = first - 1; y <= last; y++) {
      for (let q = 1; q <= 4; q++) {
        if (keep(monthEnd(y, 3 * q))) ticks.push([monthEnd(y, 3 * q), `${y}Q${q}`]);
      }
    }
  } else {
    for (let y = first - 1; y <= last; y++) {
      for (let m = 1; m <= 12; m++) {
        if (keep(monthEnd(y, m))) ticks.push([monthEnd(y, m), `${y}-${String(m).padStart(2, "0")}`]);
      }
    }
  }
  return ticks;
}
