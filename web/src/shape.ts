// Which chart a result gets, from its columns and rows alone (docs/http.md, "The console"):
//   - targets(...) / gap(...)   (columns target, actual, status, comparator): actual against
//     the target line with the tolerance band;
//   - revisions(...) or any result where one period of a series has several vintages: the
//     revision fan, one line per vintage;
//   - a value query (indicator, period, value): a line per series;
//   - anything else: no chart (the table says it all).
// Pure: no DOM, no uPlot, so that the choice can be tested on its own.

import type { CellValue, Result } from "./api";
import { periodEnd } from "./period";

export interface Point {
  period: string;
  x: number;  // the end of the period's span, seconds since 1970 (UTC)
  y: number | null;
}

export interface ValueSeries {
  indicator: string;
  unit: string;
  points: Point[];
}

export interface VintageLine {
  vintage: string;
  points: Point[];
}

export interface TargetPoint {
  indicator: string;
  period: string;
  x: number;  // period end (one indicator) or position (several)
  target: number;
  low: number;   // the tolerance band: met within [low, high] of the comparator's side
  high: number;
  actual: number | null;
  status: string;  // met, missed, pending
  unit: string;
}

export type Shape =
  | { kind: "none"; reason: string }
  | { kind: "values"; series: ValueSeries[] }
  | {
      kind: "fan";
      indicator: string;
      unit: string;
      lines: VintageLine[];  // oldest first
      // Each vintage gives one period only (revisions of one period): the console draws each
      // vintage's whole series as it was known then (asof) to make the fan.
      single_period: string | null;
    }
  | { kind: "targets"; by_period: boolean; unit: string; points: TargetPoint[] };

function columnIndex(result: Result): (name: string) => number {
  const names = result.columns.map((c) => c.name);
  return (name) => names.indexOf(name);
}

function num(v: CellValue | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function str(v: CellValue | undefined): string {
  return v === null || v === undefined ? "" : String(v);
}

// The band of a target's tolerance on the side where it is judged (docs/query-language.md §6):
// at least (>=, =, ~, relative) is met from target - t up; at most (<=) up to target + t;
// between within [target - t, target_high + t].
function band(comparator: string, target: number, tolerance: number, high: number | null) {
  if (comparator === "<=" || comparator === "<") return { low: target, high: target + tolerance };
  if (comparator === "between" && high !== null) {
    return { low: target - tolerance, high: high + tolerance };
  }
  if (comparator === ">") return { low: target, high: target };
  return { low: target - tolerance, high: target };
}

function targetsShape(result: Result): Shape {
  const col = columnIndex(result);
  const [ind, per, cmp, tgt, act, st, unit, tol, hi] = [
    "indicator", "period", "comparator", "target", "actual", "status", "unit", "tolerance",
    "target_high",
  ].map(col);
  const rows = result.rows.filter((r) => num(r[tgt]) !== null && str(r[st]) !== "qualitative");
  if (rows.length === 0) return { kind: "none", reason: "no numeric target to draw" };
  const indicators = new Set(rows.map((r) => str(r[ind])));
  const byPeriod = indicators.size === 1 && rows.every((r) => periodEnd(str(r[per])) !== null);
  let chosen = rows;
  // Many indicators: the judged ones (met or missed) are the point; pending ones have no actual.
  if (!byPeriod && rows.length > 40) {
    const judged = rows.filter((r) => num(r[act]) !== null);
    chosen = (judged.length > 0 ? judged : rows).slice(0, 40);
  }
  const points: TargetPoint[] = [];
  chosen.forEach((r) => {
    const target = num(r[tgt]) as number;
    const b = band(str(r[cmp]), target, num(r[tol]) ?? 0, num(r[hi]));
    let actual = num(r[act]);
    let { low, high } = b;
    let shown = target;
    if (!byPeriod) {
      // Indicators in different units: each relative to its own target, in % of it.
      if (target === 0) return;
      const scale = 100 / target;
      actual = actual === null ? null : actual * scale;
      [low, high] = [low * scale, high * scale].sort((a, b) => a - b);
      shown = 100;
    }
    points.push({
      indicator: str(r[ind]),
      period: str(r[per]),
      x: byPeriod ? (periodEnd(str(r[per])) as number) : points.length,
      target: shown,
      low,
      high,
      actual,
      status: str(r[st]) || "pending",
      unit: str(r[unit]),
    });
  });
  if (byPeriod) points.sort((a, b) => a.x - b.x);
  return {
    kind: "targets",
    by_period: byPeriod,
    unit: byPeriod ? points[0]?.unit ?? "" : "% of target",
    points,
  };
}

function fanShape(result: Result): Shape | null {
  const col = columnIndex(result);
  const [ind, per, vin, val, unit] = ["indicator", "period", "vintage", "value", "unit"].map(col);
  if (ind < 0 || per < 0 || vin < 0 || val < 0) return null;
  const vintagesOf = new Map<string, Set<string>>();
  for (const r of result.rows) {
    const key = str(r[ind]) + "\u0000" + str(r[per]);
    if (!vintagesOf.has(key)) vintagesOf.set(key, new Set());
    vintagesOf.get(key)!.add(str(r[vin]));
  }
  let revised: string | null = null;
  for (const [key, vintages] of vintagesOf) {
    if (vintages.size > 1) {
      revised = key;
      break;
    }
  }
  if (revised === null) return null;
  const indicator = revised.split("\u0000")[0];
  const rows = result.rows.filter((r) => str(r[ind]) === indicator && str(r[vin]) !== "");
  const lines = new Map<string, Point[]>();
  for (const r of rows) {
    const x = periodEnd(str(r[per]));
    if (x === null) continue;
    const v = str(r[vin]);
    if (!lines.has(v)) lines.set(v, []);
    lines.get(v)!.push({ period: str(r[per]), x, y: num(r[val]) });
  }
  const sorted = [...lines.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([vintage, points]) => ({ vintage, points: points.sort((a, b) => a.x - b.x) }));
  const periods = new Set(rows.map((r) => str(r[per])));
  return {
    kind: "fan",
    indicator,
    unit: str(rows.find((r) => str(r[unit]) !== "")?.[unit]),
    lines: sorted,
    single_period: periods.size === 1 ? [...periods][0] : null,
  };
}

function valuesShape(result: Result): Shape {
  const col = columnIndex(result);
  const [ind, per, val, unit] = ["indicator", "period", "value", "unit"].map(col);
  if (ind < 0 || per < 0 || val < 0) {
    return { kind: "none", reason: "not a series over periods (no indicator, period and value)" };
  }
  const type = result.columns[val].type;
  if (type !== "number" && type !== "integer") {
    return { kind: "none", reason: "the value column is not numeric" };
  }
  const series = new Map<string, ValueSeries>();
  for (const r of result.rows) {
    const x = periodEnd(str(r[per]));
    if (x === null) continue;
    const code = str(r[ind]);
    if (!series.has(code)) {
      series.set(code, { indicator: code, unit: result.columns[val].unit, points: [] });
    }
    const s = series.get(code)!;
    if (!s.unit && unit >= 0) s.unit = str(r[unit]);
    s.points.push({ period: str(r[per]), x, y: num(r[val]) });
  }
  if (series.size === 0) return { kind: "none", reason: "no period to put on a time axis" };
  for (const s of series.values()) s.points.sort((a, b) => a.x - b.x);
  return { kind: "values", series: [...series.values()] };
}

export function chooseShape(result: Result): Shape {
  if (result.rows.length === 0) return { kind: "none", reason: "no rows" };
  const col = columnIndex(result);
  if (["target", "actual", "status", "comparator"].every((c) => col(c) >= 0)) {
    return targetsShape(result);
  }
  return fanShape(result) ?? valuesShape(result);
}
