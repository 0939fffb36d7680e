// Draws a Shape (shape.ts) with uPlot: a line per series, the revision fan, or actual against
// the target line with its tolerance band. Each chart replaces the previous one in `host`.

import uPlot from "uplot";

import { periodTicks } from "./period";
import type { Point, TargetPoint, Shape, ValueSeries, VintageLine } from "./shape";

// Colours that stay apart on white, for series 1, 2, ...
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22"];
const MET = "#2e7d32";
// Room for tick labels such as "19,000" beside the axis label.
const Y_AXIS_SIZE = 64;
const MISSED = "#c62828";
const PENDING = "#9e9e9e";

export interface Names {
  // "地区生产总值（经济总量）" for "gdp", when the catalog has one.
  nameOf(code: string): string | undefined;
}

let current: uPlot | null = null;

export function clearChart(host: HTMLElement): void {
  current?.destroy();
  current = null;
  host.replaceChildren();
}

function label(code: string, unit: string, names: Names): string {
  const name = names.nameOf(code);
  const who = name ? `${name} ${code}` : code;
  return unit ? `${who} (${unit})` : who;
}

// Periods are dates at 00:00 UTC: show them in UTC, whatever the browser's zone.
const utc = (ts: number) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");

// The x axis of a chart over periods: ticks at the ends of years (quarters, months) with the
// period each ends, and the legend's x value is the period of the point under the cursor.
function periodAxis(): uPlot.Axis {
  return {
    splits: (_u: uPlot, _i: number, min: number, max: number) => periodTicks(min, max).map(([x]) => x),
    values: (_u: uPlot, splits: number[]) => {
      const labels = new Map(periodTicks(Math.min(...splits), Math.max(...splits)));
      return splits.map((x) => labels.get(x) ?? "");
    },
  };
}

function periodSeries(points: Point[][]): uPlot.Series {
  const labels = new Map<number, string>();
  for (const list of points) for (const p of list) if (!labels.has(p.x)) labels.set(p.x, p.period);
  return { label: "period", value: (_u: uPlot, x: number | null) => (x === null ? "–" : labels.get(x) ?? "") };
}

function size(host: HTMLElement) {
  return { width: Math.max(320, host.clientWidth || 800), height: 320 };
}

function valueNumber(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined) return "–";
  return `${Number(v.toPrecision(10))}${unit ? " " + unit : ""}`;
}

function drawValues(host: HTMLElement, series: ValueSeries[], names: Names): uPlot {
  const tables = series.map(
    (s) => [s.points.map((p) => p.x), s.points.map((p) => p.y)] as unknown as uPlot.AlignedData,
  );
  const data = uPlot.join(tables);
  const units = [...new Set(series.map((s) => s.unit))];
  const scaleOf = (unit: string) => (units.indexOf(unit) === 0 ? "y" : `y${units.indexOf(unit)}`);
  const axes: uPlot.Axis[] = [periodAxis()];
  units.slice(0, 2).forEach((unit, i) => {
    axes.push({ scale: scaleOf(unit), side: i === 0 ? 3 : 1, label: unit || undefined,
                grid: { show: i === 0 }, size: Y_AXIS_SIZE });
  });
  const opts: uPlot.Options = {
    ...size(host),
    tzDate: utc,
    scales: { x: { time: true } },
    series: [
      periodSeries(series.map((s) => s.points)),
      ...series.map((s, i) => ({
        label: label(s.indicator, s.unit, names),
        scale: scaleOf(s.unit),
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        points: { show: true, size: 6 },
        value: (_u: uPlot, v: number | null) => valueNumber(v, s.unit),
      })),
    ],
    axes,
  };
  return new uPlot(opts, data, host);
}

function drawFan(host: HTMLElement, unit: string, lines: VintageLine[]): uPlot {
  const tables = lines.map(
    (l) => [l.points.map((p) => p.x), l.points.map((p) => p.y)] as unknown as uPlot.AlignedData,
  );
  const data = uPlot.join(tables);
  const last = lines.length - 1;
  const opts: uPlot.Options = {
    ...size(host),
    tzDate: utc,
    scales: { x: { time: true } },
    series: [
      periodSeries(lines.map((l) => l.points)),
      ...lines.map((l, i) => {
        // Older vintages in warm colours that fade with age; the latest bold and dark blue.
        const age = last === 0 ? 0 : (last - i) / last;
        return {
          label: `${l.vintage}${i === last ? " (latest)" : ""}`,
          stroke: i === last ? "#0d47a1" : `hsl(${20 + 25 * (1 - age)}, 85%, ${40 + 25 * age}%)`,
          width: i === last ? 3.5 : 2,
          dash: i === last ? undefined : [5, 3],
          points: { show: true, size: i === last ? 8 : 6 },
          value: (_u: uPlot, v: number | null) => valueNumber(v, unit),
        };
      }),
    ],
    axes: [periodAxis(), { label: unit || undefined, size: Y_AXIS_SIZE }],
  };
  return new uPlot(opts, data, host);
}

// Points only, in one colour, where the status matches.
function statusSeries(label: string, colour: string, unit: string): uPlot.Series {
  return {
    label,
    stroke: colour,
    fill: colour,
    width: 0,
    paths: () => null,
    points: { show: true, size: 11, stroke: colour, fill: colour },
    value: (_u: uPlot, v: number | null) => valueNumber(v, unit),
  };
}

const BAND = "rgba(255, 193, 7, 0.35)";
const TARGET = "#424242";

// Each target as a short bar at its period (targets of different years are not one line), over
// its tolerance band, drawn under the actual values.
function targetHook(points: TargetPoint[]) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const x = (v: number) => u.valToPos(v, "x", true);
    const y = (v: number) => u.valToPos(v, "y", true);
    let gap = width;
    for (let i = 1; i < points.length; i++) gap = Math.min(gap, x(points[i].x) - x(points[i - 1].x));
    const half = Math.max(4 * devicePixelRatio, Math.min(0.35 * gap, 40 * devicePixelRatio));
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const p of points) {
      const cx = x(p.x);
      const bandTop = y(p.high);
      ctx.fillStyle = BAND;
      ctx.fillRect(cx - half, bandTop, 2 * half, Math.max(2 * devicePixelRatio, y(p.low) - bandTop));
      ctx.strokeStyle = TARGET;
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(cx - half, y(p.target));
      ctx.lineTo(cx + half, y(p.target));
      ctx.stroke();
    }
    ctx.restore();
  };
}

function drawTargets(host: HTMLElement, byPeriod: boolean, unit: string, points: TargetPoint[],
                     names: Names): uPlot {
  const xs = points.map((p) => p.x);
  const pick = (judged: (status: string) => boolean) =>
    points.map((p) => (judged(p.status) && p.actual !== null ? p.actual : null));
  const data: uPlot.AlignedData = [
    xs,
    points.map((p) => p.target),
    pick((s) => s === "met"),
    pick((s) => s === "missed"),
    pick((s) => s !== "met" && s !== "missed"),
  ];
  // The y range holds the bands too, which are not series.
  const all = points.flatMap((p) => [p.target, p.low, p.high, p.actual ?? p.target]);
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
  const categories = points.map((p) => names.nameOf(p.indicator) ?? p.indicator);
  const opts: uPlot.Options = {
    ...size(host),
    tzDate: utc,
    scales: {
      // Room beside the first and last target for their bars.
      x: byPeriod
        ? { time: true, range: (_u: uPlot, min: number, max: number) => {
              const pad = Math.max((max - min) * 0.06, 45 * 86400);
              return [min - pad, max + pad];
            } }
        : { time: false, range: [-0.5, points.length - 0.5] },
      y: { range: [lo - pad, hi + pad] },
    },
    series: [
      byPeriod
        ? periodSeries([points.map((p) => ({ period: p.period, x: p.x, y: p.actual }))])
        : { label: "target", value: (_u: uPlot, i: number | null) => (i === null ? "–" : categories[i] ?? "") },
      {
        // Drawn by targetHook; the series gives the legend its value under the cursor.
        label: `target${byPeriod ? "" : " (= 100%)"}`,
        stroke: TARGET,
        width: 0,
        paths: () => null,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => valueNumber(v, unit),
      },
      statusSeries("met", MET, unit),
      statusSeries("missed", MISSED, unit),
      statusSeries("pending", PENDING, unit),
    ],
    hooks: { drawClear: [targetHook(points)] },
    axes: [
      byPeriod
        ? periodAxis()
        : ({
            splits: () => points.map((_p, i) => i),
            values: (_u: uPlot, splits: number[]) =>
              splits.map((i) => (categories[i] ?? "").slice(0, 10)),
            rotate: points.length > 8 ? -40 : 0,
            size: points.length > 8 ? 90 : 40,
          } as uPlot.Axis),
      { label: byPeriod ? unit || undefined : "% of target", size: Y_AXIS_SIZE },
    ],
  };
  return new uPlot(opts, data, host);
}

// Draws `shape` into `host`; false when the shape has no chart.
export function drawChart(host: HTMLElement, shape: Shape, names: Names): boolean {
  clearChart(host);
  switch (shape.kind) {
    case "values":
      current = drawValues(host, shape.series, names);
      return true;
    case "fan":
      current = drawFan(host, shape.unit, shape.lines);
      return true;
    case "targets":
      current = drawTargets(host, shape.by_period, shape.unit, shape.points, names);
      return true;
    case "none":
      return false;
  }
}
