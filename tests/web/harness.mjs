// Shared by the web tests: a data directory loaded by the real `ixdb load`, and a real
// `ixdb serve --http` on 127.0.0.1 (free ports), stopped with SIGTERM at the end.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export const run = promisify(execFile);

export const IXDB = process.env.IXDB_BIN;
export const SOURCE = process.env.IXDB_SOURCE_DIR;
if (!IXDB || !SOURCE) throw new Error("set IXDB_BIN and IXDB_SOURCE_DIR (ctest does)");

// A fresh data directory loaded from `files` (one load); removed by cleanup().
export async function loadedStore(files, { vintage } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ixdb-web-"));
  const db = join(dir, "db");
  const args = ["--db", db, "load", ...(vintage ? ["--vintage", vintage] : []), ...files];
  await run(IXDB, args);
  return { db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// `ixdb serve` on `db` with its HTTP endpoint; resolves once it says where it listens.
export function startServer(db, extra = []) {
  const child = spawn(IXDB, ["--db", db, "serve", "--listen", "127.0.0.1:0", "--http",
                             "127.0.0.1:0", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("ixdb serve did not start: " + stderr)), 30000);
    child.on("exit", (code) => reject(new Error(`ixdb serve exited ${code}: ${stderr}`)));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /over HTTP on (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: `http://${m[1]}`,
        stop: () => new Promise((done) => {
          child.removeAllListeners("exit");
          child.on("exit", (code) => done(code));
          child.kill("SIGTERM");
        }),
        log: () => stderr,
      });
    });
  });
}
