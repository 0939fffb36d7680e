// DuckDB side of bench/peers' reads (run by bench_peers; @duckdb/node-api from npm; the load is
// bench/load/duckdb_load.mjs).
//   node duckdb_peers.mjs query DB_FILE PLAN.tsv  -> "T\tid\tms" per run, "R\tid\tkey\tvalue" per row
// A plan line is: id, runs, warm (1: one untimed run first), SQL, then the parameters ($1, $2).
// Every statement is prepared once; a run executes it and fetches every row (runAndReadAll +
// getRows); the rows printed are those of the last run. Rounds interleave the plan's lines as
// bench_peers does for the other systems.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, dbPath, arg] = process.argv.slice(2);

if (mode === 'query') {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const con = await instance.connect();
  const plan = readFileSync(arg, 'utf8').split('\n').filter((l) => l).map((l) => {
    const [id, runs, warm, sql, ...params] = l.split('\t');
    return { id, runs: Number(runs), warm: warm === '1', sql, params };
  });
  const prepared = new Map();
  for (const q of plan) {
    if (!prepared.has(q.sql)) prepared.set(q.sql, await con.prepare(q.sql));
  }
  const last = new Map();
  const run = async (q) => {
    const t0 = performance.now();
    const p = prepared.get(q.sql);
    q.params.forEach((v, i) => p.bindVarchar(i + 1, v));
    const rows = (await p.runAndReadAll()).getRows();
    const ms = performance.now() - t0;
    last.set(q.id, rows);
    return ms;
  };
  for (const q of plan) if (q.warm) await run(q);
  const out = [];
  const rounds = Math.max(...plan.map((q) => q.runs));
  for (let r = 0; r < rounds; ++r) {
    for (const q of plan) if (r < q.runs) out.push(`T\t${q.id}\t${await run(q)}`);
  }
  const text = (v) => (v === null || v === undefined ? '' : String(v));
  for (const q of plan) {
    for (const row of last.get(q.id) ?? []) out.push(`R\t${q.id}\t${text(row[0])}\t${text(row[1])}`);
  }
  console.log(out.join('\n'));
  con.closeSync();
  instance.closeSync();
} else {
  console.error('usage: node duckdb_peers.mjs query DB PLAN.tsv');
  process.exit(2);
}
