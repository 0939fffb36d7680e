// DuckDB side of bench/query (run by bench_query): loads the same observations from CSV into
// an in-memory table, then times yoy of single series (prepared statement, LAG window) and the
// full-scan yoy aggregate over every series. Prints one JSON line.
//   node duckdb_bench.mjs DATA.csv SERIES_IDS(comma separated) FULL_REPS
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, idsText, fullRepsText] = process.argv.slice(2);
const ids = idsText.split(',').map(Number);
const fullReps = Number(fullRepsText || 3);
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const c = await inst.connect();
let t0 = performance.now();
await c.run(`CREATE TABLE obs AS SELECT * FROM read_csv('${csv}', header=true,
  columns={'series':'INTEGER','period':'INTEGER','f':'INTEGER','value':'DOUBLE'})`);
await c.run('CREATE INDEX obs_series ON obs(series)');
const loadS = (performance.now() - t0) / 1000;

const one = await c.prepare(`SELECT period, (value / LAG(value, f) OVER (ORDER BY period) - 1) * 100
  AS yoy FROM obs WHERE series = $1 ORDER BY period`);
let rows = 0;
for (let i = 0; i < Math.min(20, ids.length); ++i) {  // warm-up
  one.bindInteger(1, ids[i]);
  rows += (await one.runAndReadAll()).getRows().length;
}
rows = 0;
t0 = performance.now();
for (const id of ids) {
  one.bindInteger(1, id);
  rows += (await one.runAndReadAll()).getRows().length;
}
const oneMs = (performance.now() - t0) / ids.length;

const full = `SELECT SUM(y), COUNT(y) FROM (SELECT (value / LAG(value, f) OVER (PARTITION BY series
  ORDER BY period) - 1) * 100 AS y FROM obs)`;
await c.runAndReadAll(full);  // warm-up
let best = Infinity, sum = 0, count = 0;
for (let i = 0; i < fullReps; ++i) {
  t0 = performance.now();
  const r = (await c.runAndReadAll(full)).getRows()[0];
  best = Math.min(best, (performance.now() - t0) / 1000);
  sum = Number(r[0]);
  count = Number(r[1]);
}
console.log(JSON.stringify({ load_s: loadS, one_ms: oneMs, one_rows: rows, full_s: best, sum, count }));
