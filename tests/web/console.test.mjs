// The web console in Debian's chromium (playwright-core, headless): for a value query, a
// revision fan and a targets chart, it types the query, runs it, checks the table's rows
// against `ixdb query --format csv` and that the chart's canvas has drawn the chart's own
// colours; screenshots go to $IXDB_SCREENSHOTS. Also completion, errors with their position,
// empty cells, the query in the URL and the CSV link.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { IXDB, SOURCE, loadedStore, run, startServer } from "./harness.mjs";

const { chromium } = await import(join(SOURCE, "web/node_modules/playwright-core/index.mjs"));

const SHOTS = process.env.IXDB_SCREENSHOTS ?? join(process.cwd(), "web-screenshots");
mkdirSync(SHOTS, { recursive: true });

let store, server, browser, page;
const pageErrors = [];

before(async () => {
  const fixture = join(SOURCE, "tests/web/fixture");
  store = await loadedStore([join(fixture, "observations.csv"), join(fixture, "targets.csv")]);
  server = await startServer(store.db);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  // The console must work offline: any request that leaves the server fails the test.
  await page.route("**/*", (route) =>
    route.request().url().startsWith(server.url) ? route.continue() : route.abort());
});

after(async () => {
  await browser?.close();
  await server?.stop();
  store?.cleanup();
});

// Opens the console, types `q` into the editor and runs it with Ctrl+Enter.
async function typeAndRun(q) {
  await page.goto(server.url + "/");
  await page.waitForSelector("body[data-state=ready]");
  const editor = page.locator("#query");
  await editor.click();
  await editor.pressSequentially(q, { delay: 5 });
  await page.keyboard.press("Escape");  // close the completion list
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("body[data-state=done], body[data-state=error]");
}

// The table's cells as text, the empty-cell mark as "".
const tableRows = () =>
  page.$$eval("#table tbody tr", (trs) =>
    trs.map((tr) => [...tr.children].map((td) => (td.classList.contains("null") ? "" : td.textContent))));

// What `ixdb query --format csv` says, as rows of cells (the fixture has no quoted cells).
async function cliRows(q) {
  const { stdout } = await run(IXDB, ["--db", store.db, "query", "--format", "csv", q]);
  return stdout.trimEnd().split("\n").slice(1).map((line) => line.split(","));
}

// How many canvas pixels are near each colour (RGB within 12 per channel).
function countColours(colours) {
  return page.evaluate((wanted) => {
    const canvas = document.querySelector("#chart canvas");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = wanted.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const counts = wanted.map(() => 0);
    let drawn = 0;
    for (let p = 0; p < data.length; p += 4) {
      if (data[p + 3] === 0) continue;
      drawn++;
      rgb.forEach((c, k) => {
        if (Math.abs(data[p] - c[0]) <= 12 && Math.abs(data[p + 1] - c[1]) <= 12 &&
            Math.abs(data[p + 2] - c[2]) <= 12) counts[k]++;
      });
    }
    return { drawn, counts };
  }, colours);
}

const cases = [
  {
    name: "value query",
    q: "gdp_growth[2017:]",
    kind: "values",
    colours: { "series line": "#1f77b4" },
    legend: "地区生产总值增长 gdp_growth (%)",
  },
  {
    // Three series on two axes (亿元 left, % right); retail's blank 2022 is a gap in its line.
    name: "value query of several series in two units",
    q: "series(code=*)[2019:]",
    kind: "values",
    colours: { gdp: "#1f77b4", gdp_growth: "#d62728", retail: "#2ca02c" },
    legend: ["地区生产总值 gdp (亿元)", "地区生产总值增长 gdp_growth (%)",
             "社会消费品零售总额 retail (亿元)"],
    screenshot: "values-several-series",
  },
  {
    name: "revision fan",
    q: "revisions(gdp, 2022)",
    kind: "fan",
    colours: { "latest vintage, bold": "#0d47a1" },
    legend: "2024-06-28 (latest)",
  },
  {
    name: "targets chart",
    q: "targets() where indicator = gdp_growth",
    kind: "targets",
    colours: { met: "#2e7d32", missed: "#c62828" },
    legend: "missed",
  },
];

for (const c of cases) {
  test(`console: ${c.name} (${c.q}) shows its rows and draws its chart`, async () => {
    await typeAndRun(c.q);
    assert.equal(await page.getAttribute("body", "data-state"), "done");
    assert.deepEqual(await tableRows(), await cliRows(c.q));
    assert.equal(await page.getAttribute("#chart", "data-kind"), c.kind);
    const legend = await page.textContent("#chart .u-legend");
    for (const name of [c.legend].flat()) {
      assert.ok(legend.includes(name), `legend "${legend}" names ${name}`);
    }
    const { drawn, counts } = await countColours(Object.values(c.colours));
    assert.ok(drawn > 2000, `the canvas has drawn pixels (${drawn})`);
    Object.keys(c.colours).forEach((what, i) =>
      assert.ok(counts[i] > 20, `${what} drawn in ${c.colours[what]} (${counts[i]} pixels)`));
    await page.screenshot({ path: join(SHOTS, `console-${c.screenshot ?? c.kind}.png`),
                            fullPage: true });
  });
}

test("console: the fan has one line per vintage, the table the three releases", async () => {
  await typeAndRun("revisions(gdp, 2022)");
  const labels = await page.$$eval("#chart .u-legend .u-series .u-label", (els) =>
    els.map((e) => e.textContent));
  assert.deepEqual(labels, ["period", "2023-01-05", "2023-02-01", "2024-06-28 (latest)"]);
});

test("console: numbers right-aligned, units in headers, empty cells visible", async () => {
  await typeAndRun("retail");
  const header = await page.textContent("#table thead th.num");
  assert.equal(header, "value [亿元]");
  const nulls = await page.$$eval("#table td.null", (tds) => tds.length);
  assert.ok(nulls >= 1, "the blank 2022 retail value is shown");
  const align = await page.$eval("#table td.num", (td) => getComputedStyle(td).textAlign);
  assert.equal(align, "right");
});

test("console: the query goes into the URL, the CSV link, and the history", async () => {
  const q = "yoy(gdp)[2019:]";
  await typeAndRun(q);
  assert.equal(new URL(page.url()).searchParams.get("q"), q);
  const href = await page.getAttribute("#csv", "href");
  // (Bytes: text() would drop the BOM.)
  const csv = Buffer.from(await (await fetch(server.url + href)).arrayBuffer());
  const { stdout } = await run(IXDB, ["--db", store.db, "query", "--format", "csv", "--bom", q],
                               { encoding: "buffer" });
  assert.ok(csv.equals(stdout), `${csv} != ${stdout}`);
  // Opening the shared URL runs the query again.
  await page.goto(page.url());
  await page.waitForSelector("body[data-state=done]");
  assert.deepEqual(await tableRows(), await cliRows(q));
  const history = await page.$$eval("#history option", (os) => os.map((o) => o.value));
  assert.ok(history.includes(q));
});

test("console: completion offers functions and series, by code or Chinese name", async () => {
  await page.goto(server.url + "/");
  await page.waitForSelector("body[data-state=ready]");
  const editor = page.locator("#query");
  await editor.click();
  await editor.pressSequentially("revi");  // (rev alone also offers revstats)
  await page.waitForSelector("#completions li");
  const items = await page.$$eval("#completions li code", (cs) => cs.map((c) => c.textContent));
  assert.ok(items.some((i) => i.startsWith("revisions(")), items.join(" | "));
  await page.keyboard.press("Tab");
  assert.equal(await editor.inputValue(), "revisions(");
  await editor.fill("");
  await editor.pressSequentially("零售");
  await page.waitForSelector("#completions li");
  await page.keyboard.press("Enter");
  assert.equal(await editor.inputValue(), "retail");
});

test("console: an error shows the server's message and puts the caret at its position",
     async () => {
  await typeAndRun("yoy(gdp");
  assert.equal(await page.getAttribute("body", "data-state"), "error");
  const text = await page.textContent("#error");
  assert.ok(text.startsWith("InvalidArgument (HTTP 400): 1:8: expected ')'"), text);
  const caret = await page.$eval("#query", (t) => t.selectionStart);
  assert.equal(caret, 7);
});

// The server's position is in the trimmed query: white space before it moves the caret with it.
test("console: the caret lands on the error after leading spaces and blank lines", async () => {
  for (const [q, caret] of [["   yoy(gdp", 3 + 7], ["  \n  yoy(gdp", 5 + 7]]) {
    await page.goto(server.url + "/");
    await page.waitForSelector("body[data-state=ready]");
    const editor = page.locator("#query");
    await editor.fill(q);
    await editor.focus();
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector("body[data-state=done], body[data-state=error]");
    assert.equal(await page.getAttribute("body", "data-state"), "error");
    assert.ok((await page.textContent("#error")).includes("1:8: expected ')'"));
    assert.equal(await page.$eval("#query", (t) => t.selectionStart), caret, JSON.stringify(q));
  }
});

test("console: no script error on any page", () => {
  assert.deepEqual(pageErrors, []);
});
