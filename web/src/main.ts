// The console's page: runs the editor's query, shows the table and the chart its shape calls
// for, keeps the query in the URL (?q=...) so that a view can be shared, and offers the result
// as CSV (the endpoint's own, with the BOM Excel wants).

import "uplot/dist/uPlot.min.css";
import "./console.css";

import {
  fetchFunctions, fetchHealth, fetchSeries, QueryFailed, queryUrl, runQuery,
} from "./api";
import type { Result, SeriesInfo } from "./api";
import { clearChart, drawChart } from "./charts";
import { Editor, loadHistory, remember } from "./editor";
import { periodEnd, periodYear } from "./period";
import { chooseShape } from "./shape";
import type { Shape } from "./shape";
import { renderTable } from "./table";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const names = new Map<string, string>();
const nameSource = { nameOf: (code: string) => names.get(code) };

const editor = new Editor($<HTMLTextAreaElement>("query"), $<HTMLUListElement>("completions"), () => {
  void run();
});

function setStatus(text: string, kind: "" | "error" | "busy" = ""): void {
  const s = $("status");
  s.textContent = text;
  s.dataset.kind = kind;
}

function renderHistory(list: string[]): void {
  const select = $<HTMLSelectElement>("history");
  const first = document.createElement("option");
  first.value = "";
  first.textContent = list.length ? `History (${list.length})` : "History (empty)";
  select.replaceChildren(
    first,
    ...list.map((q) => {
      const o = document.createElement("option");
      o.value = q;
      o.textContent = q.length > 80 ? q.slice(0, 79) + "…" : q;
      return o;
    }),
  );
}

// "地区生产总值（经济总量） gdp", or the code alone when the catalog has no name.
function named(code: string): string {
  const name = names.get(code);
  return name ? `${name} ${code}` : code;
}

function caption(shape: Shape, widened: boolean): string {
  switch (shape.kind) {
    case "values":
      return `Line chart: ${shape.series.length} series over their periods ` +
             "(each value where its period ends, a cumulative span too; the ticks mark ends of years)";
    case "fan":
      return `Revision fan of ${named(shape.indicator)}: one line per vintage, ${shape.lines.length} ` +
             "vintages, the latest bold" +
             (widened ? `; each line is the series as known on that date, asof(${shape.indicator}, vintage)` : "");
    case "targets":
      return `${shape.by_period ? named(shape.points[0]?.indicator ?? "") + ": a" : "A"}` +
             "ctual against target: bar = target, shaded = tolerance band; " +
             "green = met, red = missed, grey = pending" +
             (shape.by_period ? "" : "; each target in % of itself");
    case "none":
      return `No chart: ${shape.reason}`;
  }
}

// revisions(x, P) gives one period per vintage: draw instead, for each vintage, the series as
// it was known on that date (asof), over the years up to P, so that the lines fan out where
// the figure was revised.
async function widenFan(shape: Extract<Shape, { kind: "fan" }>): Promise<Shape> {
  const year = periodYear(shape.single_period ?? "");
  if (year === null) return shape;
  try {
    const lines = await Promise.all(
      shape.lines.map(async (line) => {
        const r = await runQuery(`asof(${shape.indicator}, ${line.vintage})[${year - 6}:${year}]`);
        const [per, val] = ["period", "value"].map((n) => r.columns.findIndex((c) => c.name === n));
        const points = r.rows
          .map((row) => ({ period: String(row[per]), x: periodEnd(String(row[per])) ?? NaN,
                           y: typeof row[val] === "number" ? (row[val] as number) : null }))
          .filter((p) => Number.isFinite(p.x));
        return { vintage: line.vintage, points: points.length ? points : line.points };
      }),
    );
    return { ...shape, lines };
  } catch {
    return shape;  // (the indicator is an expression asof cannot take): the points as they are
  }
}

function showResult(result: Result, q: string, millis: number): void {
  renderTable($<HTMLTableElement>("table"), result);
  const n = result.rows.length;
  $("rows").textContent = `${n} ${n === 1 ? "row" : "rows"} in ${millis.toFixed(0)} ms`;
  $("notes").replaceChildren(
    ...result.notes.map((note) => {
      const li = document.createElement("li");
      li.textContent = note;
      return li;
    }),
  );
  const csv = $<HTMLAnchorElement>("csv");
  csv.href = queryUrl(q, "csv", "&bom=1");
  csv.hidden = false;
}

async function showChart(result: Result): Promise<void> {
  let shape = chooseShape(result);
  let widened = false;
  if (shape.kind === "fan" && shape.single_period !== null) {
    const wide = await widenFan(shape);
    widened = wide !== shape;
    shape = wide;
  }
  const host = $("chart");
  const section = $("chart-section");
  host.dataset.kind = shape.kind;
  $("chart-caption").textContent = caption(shape, widened);
  // Shown before drawing, so that the chart takes the width of its section.
  section.hidden = shape.kind === "none";
  drawChart(host, shape, nameSource);
}

let running = 0;

async function run(): Promise<void> {
  const q = editor.value.trim();
  if (!q) return;
  const ticket = ++running;
  const url = new URL(location.href);
  url.searchParams.set("q", q);
  history.replaceState(null, "", url);
  renderHistory(remember(q));
  editor.resetHistoryCursor();
  setStatus("running…", "busy");
  $("error").hidden = true;
  const start = performance.now();
  try {
    const result = await runQuery(q);
    if (ticket !== running) return;  // a newer query was started meanwhile
    showResult(result, q, performance.now() - start);
    $("result").hidden = false;
    await showChart(result);
    setStatus("");
    document.body.dataset.state = "done";
  } catch (e) {
    if (ticket !== running) return;
    const error = $("error");
    if (e instanceof QueryFailed) {
      error.textContent = `${e.detail.code} (HTTP ${e.status}): ${e.detail.error}`;
      if (e.detail.position) editor.showPosition(e.detail.position.line, e.detail.position.column);
    } else {
      error.textContent = `The server did not answer: ${String(e)}`;
    }
    error.hidden = false;
    $("result").hidden = true;
    $("chart-section").hidden = true;
    clearChart($("chart"));
    setStatus("error", "error");
    document.body.dataset.state = "error";
  }
}

async function start(): Promise<void> {
  renderHistory(loadHistory());
  $("run").addEventListener("click", () => void run());
  $<HTMLSelectElement>("history").addEventListener("change", (e) => {
    const q = (e.target as HTMLSelectElement).value;
    if (q) {
      editor.value = q;
      void run();
    }
  });
  fetchHealth()
    .then((h) => ($("server").textContent = `ixdb ${h.version}`))
    .catch(() => ($("server").textContent = "server not reachable"));
  // Completion and the legend's names; the console works without them.
  const catalog = fetchSeries()
    .then((series: SeriesInfo[]) => {
      editor.series = series;
      for (const s of series) if (s.name) names.set(s.indicator, s.name);
    })
    .catch(() => undefined);
  fetchFunctions().then((f) => (editor.functions = f)).catch(() => undefined);
  // A shared view's legend wants the names: wait for the catalog (it is small) first.
  await catalog;
  const q = new URL(location.href).searchParams.get("q");
  if (q) {
    editor.value = q;
    await run();
  } else {
    document.body.dataset.state = "ready";
  }
}

void start();
