// Builds the console into web/dist (committed, so that building ixdb never needs node):
// src/main.ts with uPlot bundled into console.js, the styles into console.css, and
// index.html. Run by scripts/build-web (npm ci, the type check, then this).
//   node web/build.mjs           writes web/dist
//   node web/build.mjs --check   builds elsewhere and fails unless web/dist is the same (a test)
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  console.error("web/node_modules is missing: run scripts/install-deps (or npm ci in web/)");
  process.exit(1);
}

async function buildInto(out) {
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: { console: join(here, "src/main.ts") },
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    outdir: out,
    // uPlot's notice is a plain /** */ comment, which minifying drops: said here instead.
    banner: { js: "/* ixdb console. Includes uPlot 1.6.32, (c) Leon Sorokin, MIT License, " +
                  "https://github.com/leeoniya/uPlot */" },
    logLevel: "warning",
  });
  copyFileSync(join(here, "src/index.html"), join(out, "index.html"));
}

const dist = join(here, "dist");
if (process.argv.includes("--check")) {
  const scratch = mkdtempSync(join(tmpdir(), "ixdb-web-build-"));
  try {
    await buildInto(scratch);
    const built = readdirSync(scratch).sort();
    const committed = readdirSync(dist).sort();
    const stale = [...new Set([...built, ...committed])].filter((f) => {
      try {
        return !readFileSync(join(scratch, f)).equals(readFileSync(join(dist, f)));
      } catch {
        return true;  // in one of them only
      }
    });
    if (stale.length) {
      console.error(`web/dist is not what web/src builds (${stale.join(", ")}): run scripts/build-web`);
      process.exit(1);
    }
    console.log(`web/dist is up to date (${built.join(", ")})`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  await buildInto(dist);
}
