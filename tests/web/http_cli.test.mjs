// The HTTP endpoint against the CLI, as users compare them: for every golden query of
// tests/query/golden, GET /query?format=csv|json answers byte for byte what
// `ixdb query --format csv|json` prints, and a query error answers the message the CLI prints
// on stderr, in the protocol's error object, with the HTTP status of its code.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { IXDB, SOURCE, loadedStore, run, startServer } from "./harness.mjs";

const STATUS = { InvalidArgument: 400, NotFound: 404, LimitExceeded: 413 };

// The queries of the golden files (cases with an option line use other query options).
function goldenQueries(dir) {
  const queries = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".test")).sort()) {
    let option = false;
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (line === "") option = false;
      if (line.startsWith("option: ")) option = true;
      if (line.startsWith("query: ") && !option) queries.push(line.slice(7));
    }
  }
  return queries;
}

let store, server;
before(async () => {
  const fixtures = join(SOURCE, "tests/query/fixtures");
  // The vintage the query tests give rows without one.
  store = await loadedStore([join(fixtures, "observations.csv"), join(fixtures, "targets.csv")],
                            { vintage: "2024-02-15" });
  server = await startServer(store.db);
});
after(async () => {
  await server?.stop();
  store?.cleanup();
});

async function cli(q, format) {
  try {
    const { stdout } = await run(IXDB, ["--db", store.db, "query", "--format", format, "--", q],
                                 { encoding: "buffer", maxBuffer: 1 << 26 });
    return { ok: true, out: stdout };
  } catch (e) {
    return { ok: false, err: e.stderr.toString() };
  }
}

// A few queries at a time: each CLI run opens the store.
async function inParallel(items, n, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

test("HTTP /query answers the bytes of ixdb query --format csv and json", async () => {
  const queries = goldenQueries(join(SOURCE, "tests/query/golden"));
  assert.ok(queries.length >= 100, `${queries.length} golden queries`);
  let errors = 0;
  await inParallel(queries.flatMap((q) => [[q, "csv"], [q, "json"]]), 4, async ([q, format]) => {
    const want = await cli(q, format);
    const response = await fetch(`${server.url}/query?format=${format}&q=${encodeURIComponent(q)}`);
    const body = Buffer.from(await response.arrayBuffer());
    if (want.ok) {
      assert.equal(response.status, 200, q);
      assert.equal(response.headers.get("content-type"),
                   format === "csv" ? "text/csv; charset=utf-8" : "application/json", q);
      assert.ok(body.equals(want.out), `${q} as ${format}:\n${body}\n!=\n${want.out}`);
    } else {
      errors++;
      assert.notEqual(response.status, 200, `${q}: the CLI failed (${want.err.trim()}) but HTTP answered`);
      const error = JSON.parse(body.toString());
      assert.equal(want.err, `ixdb: ${error.error}\n`, q);
      assert.equal(response.status, STATUS[error.code] ?? 500, q);
    }
  });
  assert.ok(errors >= 10, `${errors / 2} golden queries are errors, compared too`);
});

test("HTTP /query?bom=1 answers the bytes of ixdb query --format csv --bom", async () => {
  const q = "yoy(gdp)[2020:2022]";
  const { stdout } = await run(IXDB, ["--db", store.db, "query", "--format", "csv", "--bom", q],
                               { encoding: "buffer" });
  const body = Buffer.from(await (await fetch(`${server.url}/query?format=csv&bom=1&q=${encodeURIComponent(q)}`)).arrayBuffer());
  assert.ok(body.equals(stdout));
  assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
});
