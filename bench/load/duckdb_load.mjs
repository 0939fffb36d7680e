// Loads the benchmark CSV into a fresh DuckDB file with read_csv (the peer of bench_load).
// usage: node duckdb_load.mjs DB_FILE CSV_FILE     prints "seconds S"
import { DuckDBInstance } from '@duckdb/node-api';

const [, , dbPath, csvPath] = process.argv;
const t0 = performance.now();
const instance = await DuckDBInstance.create(dbPath);
const con = await instance.connect();
await con.run(
  `CREATE TABLE obs AS SELECT * FROM read_csv('${csvPath.replaceAll("'", "''")}', header = true, ` +
    `columns = {'indicator': 'VARCHAR', 'period': 'VARCHAR', 'vintage': 'DATE', 'value': 'DOUBLE'})`);
await con.run('CHECKPOINT');
const seconds = (performance.now() - t0) / 1000;
const reader = await con.runAndReadAll('SELECT count(*) FROM obs');
console.log(`rows ${reader.getRows()[0][0]}`);
console.log(`seconds ${seconds.toFixed(3)}`);
con.closeSync();
instance.closeSync();
