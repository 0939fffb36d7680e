#!/usr/bin/env python3
"""The Python client against a real `ixdb serve` on 127.0.0.1 (IXDB_BIN names the binary):
every request kind, exact doubles, errors with their codes, cancel and the query time limit,
token refusal, a GB18030 file, DataFrames, and TLS with a certificate made here."""

import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import ixdb_client

IXDB = os.environ.get("IXDB_BIN", "ixdb")
TOKEN = "s3cret-for-tests"

# Doubles that do not survive a careless round trip: shortest forms, 1/3, the extremes, a
# subnormal, a negative zero is not a value ixdb keeps apart, so it is not here.
DOUBLES = [0.1, 1 / 3, 2 / 3, 20011.65, 1e-300, 5e-324, 1.7976931348623157e308, 123456789.12345679,
           -0.000123, 4.35]

# 12000 monthly series of 240 months: a scan over all of them takes long enough to cancel (0.35 to
# 0.45 s on 2 cores). 6000 had come down to 0.26-0.31 s, close to the 0.2 s the cancel test
# needs, as reads got faster; the test says so (and fails) rather than racing a scan too short.
SCAN_SERIES, SCAN_MONTHS = 12000, 240
SLOW_QUERY = "rolling(series(m*), 12) where value > 1e9"


def write(path, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as f:
        f.write(data)


def run_ixdb(*args):
    proc = subprocess.run([IXDB, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError("ixdb %s failed: %s" % (" ".join(args), proc.stderr))
    return proc.stdout


class Server:
    """`ixdb serve` on 127.0.0.1:0 over a store in a temporary directory."""

    def __init__(self, db, *extra):
        self.log_path = os.path.join(os.path.dirname(db), "serve-%d.log" % id(self))
        self.log = open(self.log_path, "w")
        # (Global options may follow the subcommand.)
        self.proc = subprocess.Popen([IXDB, "--db", db, "serve", "--listen", "127.0.0.1:0", *extra],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()  # "ixdb: serving DB on 127.0.0.1:PORT"
        if " on " not in line:
            log = self.log_text()
            self.stop()
            raise AssertionError("ixdb serve did not start: %r %s" % (line, log))
        self.port = int(line.rsplit(":", 1)[1])

    def log_text(self):
        self.log.flush()
        with open(self.log_path, encoding="utf-8") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.log.close()


class Fixture(unittest.TestCase):
    """A store with a few exact doubles, a cumulative quarterly series and (for the scans) many
    monthly series, served with a token file."""

    extra_args = ()

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ixdb-python-")
        cls.db = os.path.join(cls.dir, "db")
        rows = ["indicator,period,vintage,value,unit,measure,frequency"]
        for i, v in enumerate(DOUBLES):
            rows.append("x,%d,2024-01-20,%r,亿元,level,annual" % (2000 + i, v))
        rows += ["g,2023Q1,2024-01-20,4.5,%,growth,quarterly",
                 "g,2023H1,2024-01-20,5,%,growth,quarterly",
                 "g,2023Q1-Q3,2024-01-20,5.5,%,growth,quarterly",
                 "g,2023Q1-Q4,2024-01-28,5.7,%,growth,quarterly",
                 "q,2023Q1,2024-01-20,1.25,万人,level,quarterly",
                 "q,2023Q2,2024-01-20,2.5,万人,level,quarterly"]
        write(os.path.join(cls.dir, "base.csv"), "\n".join(rows) + "\n")
        run_ixdb("--db", cls.db, "load", os.path.join(cls.dir, "base.csv"))
        if getattr(cls, "needs_scan_data", False):
            lines = ["indicator,period,vintage,value,unit,measure,frequency"]
            for s in range(SCAN_SERIES):
                for m in range(SCAN_MONTHS):
                    lines.append("m%04d,%d-%02d,2024-01-20,%r,亿元,level,monthly" %
                                 (s, 2000 + m // 12, m % 12 + 1, 100 + s + m * 0.37))
            write(os.path.join(cls.dir, "scan.csv"), "\n".join(lines) + "\n")
            run_ixdb("--db", cls.db, "load", os.path.join(cls.dir, "scan.csv"))
        # A copy for a second server (the first one locks its store).
        cls.db_copy = os.path.join(cls.dir, "db-copy")
        run_ixdb("--db", cls.db, "backup", cls.db_copy)
        cls.token_file = os.path.join(cls.dir, "token")
        write(cls.token_file, TOKEN + "\n")
        os.chmod(cls.token_file, 0o600)
        cls.server = Server(cls.db, "--token-file", cls.token_file, *cls.extra_args)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def connect(self, **kw):
        return ixdb_client.connect("127.0.0.1", self.server.port, **kw)

    def load_count(self):
        # The store read locally (read-only) while the server has it.
        return run_ixdb("--db", self.db, "loads", "--format", "csv").count("\n") - 1


class RequestsTest(Fixture):
    def test_hello_and_ping(self):
        with self.connect() as db:
            info = db.hello()
            self.assertEqual(info["server"], "ixdb")
            self.assertEqual(info["protocol"], ixdb_client.PROTOCOL_VERSION)
            self.assertTrue(info["token_required"])
            self.assertEqual(info["query_timeout_ms"], 60000)
            self.assertEqual(len(info["cancel_key"]), 32)
            self.assertTrue(db.ping())

    def test_query_columns_rows_and_exact_doubles(self):
        with self.connect() as db:
            r = db.query("x")
            self.assertEqual([c["name"] for c in r.columns][:4],
                             ["indicator", "period", "value", "unit"])
            self.assertEqual(r.columns[2], {"name": "value", "type": "number", "unit": "亿元"})
            self.assertEqual(len(r.rows), len(DOUBLES))
            for row, expected in zip(r.rows, DOUBLES):
                self.assertIsInstance(row[2], float)
                # Bit for bit, not approximately.
                self.assertEqual(row[2].hex(), expected.hex())
            self.assertEqual(r.rows[0][:2], ["x", "2000"])

    def test_errors_carry_the_protocol_code(self):
        with self.connect() as db:
            with self.assertRaises(ixdb_client.IxdbError) as e:
                db.query("gpd")
            self.assertEqual(e.exception.code, "NotFound")
            with self.assertRaises(ixdb_client.IxdbError) as e:
                db.query("yoy(x")
            self.assertEqual(e.exception.code, "InvalidArgument")
            self.assertIn("^", e.exception.message)  # the caret line
            # The connection goes on after an error.
            self.assertEqual(len(db.query("g").rows), 4)

    def test_as_of_reads_the_store_as_known_then(self):
        with self.connect() as db:
            # g's 2023Q1-Q4 came with the vintage of 2024-01-28, the rest on 2024-01-20.
            self.assertEqual([r[1] for r in db.query("g", as_of="2024-01-27").rows],
                             ["2023Q1", "2023H1", "2023Q1-Q3"])
            import datetime
            self.assertEqual(len(db.query("g", as_of=datetime.date(2024, 1, 28)).rows), 4)
            self.assertEqual(len(db.query("g").rows), 4)
            with self.assertRaises(ixdb_client.IxdbError) as e:
                db.query("g", as_of="2024-02-30")
            self.assertEqual(e.exception.code, "InvalidArgument")
            self.assertIn("as_of", e.exception.message)

    def test_load_without_the_token_is_refused_and_changes_nothing(self):
        path = os.path.join(self.dir, "more.csv")
        write(path, "indicator,period,vintage,value\nnew_series,2024,2025-01-20,1.5\n")
        before = self.load_count()
        for token in (None, "wrong"):
            with self.connect(token=token) as db:
                with self.assertRaises(ixdb_client.IxdbError) as e:
                    db.load([path])
                self.assertEqual(e.exception.code, "InvalidArgument")
                self.assertIn("token", e.exception.message)
        self.assertEqual(self.load_count(), before)
        self.assertIn(": refused: load", self.server.log_text())
        with self.connect(token=TOKEN) as db:
            answer = db.load([path], vintage="2025-01-20")
            self.assertEqual(answer["summary"]["rows_read"], 1)
            self.assertTrue(answer["text"].startswith("load #"))
            self.assertEqual(db.query("new_series").rows[0][2], 1.5)
        self.assertEqual(self.load_count(), before + 1)

    def test_a_gb18030_file_loads(self):
        path = os.path.join(self.dir, "gbk.csv")
        write(path, "indicator,period,vintage,value,name\ngbk_series,2023,2024-01-20,7.5,武汉\n"
              .encode("gb18030"))
        with self.connect(token=TOKEN) as db:
            db.load([path], format="long")
            r = db.query("describe(gbk_series)")
            names = [c["name"] for c in r.columns]
            self.assertIn("武汉", r.rows[0][names.index("name")])
            self.assertEqual(db.query("gbk_series").rows[0][2], 7.5)

    def test_a_bad_file_names_its_row_and_loads_nothing(self):
        path = os.path.join(self.dir, "bad.csv")
        write(path, "indicator,period,vintage,value\nok_series,2024,2025-01-20,1\n"
              "bad_series,2024,2025-01-20,abc\n")
        before = self.load_count()
        with self.connect(token=TOKEN) as db:
            with self.assertRaises(ixdb_client.IxdbError) as e:
                db.load([path])
            self.assertEqual(e.exception.code, "InvalidArgument")
            self.assertIn("bad.csv:3:", e.exception.message)
        self.assertEqual(self.load_count(), before)

    def test_the_script(self):
        out = subprocess.run([sys.executable, ixdb_client.__file__, "--port", str(self.server.port),
                              "query", "q"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.splitlines()[:3],
                         ["indicator,period,value,unit,vintage,status,qualifier",
                          "q,2023Q1,1.25,万人,2024-01-20,,", "q,2023Q2,2.5,万人,2024-01-20,,"])
        out = subprocess.run([sys.executable, ixdb_client.__file__, "--port", str(self.server.port),
                              "query", "gpd"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 1)
        self.assertIn("NotFound", out.stderr)


class CancelTest(Fixture):
    needs_scan_data = True

    def test_cancel_from_another_thread(self):
        with self.connect() as db:
            self.assertFalse(db.cancel())  # nothing runs
            start = time.monotonic()
            db.query(SLOW_QUERY)
            full = time.monotonic() - start
            self.assertGreater(full, 0.2, "the scan is too fast to test cancelling it")
            box = {}

            def run():
                t0 = time.monotonic()
                try:
                    db.query(SLOW_QUERY)
                    box["error"] = None
                except ixdb_client.IxdbError as e:
                    box["error"] = e
                box["took"] = time.monotonic() - t0

            worker = threading.Thread(target=run)
            worker.start()
            time.sleep(full / 4)
            cancelled_at = time.monotonic()
            self.assertTrue(db.cancel())
            worker.join(30)
            stopped_after = time.monotonic() - cancelled_at
            self.assertIsNotNone(box["error"], "the query finished although cancelled")
            self.assertEqual(box["error"].code, "Cancelled")
            self.assertIn("cancel request", box["error"].message)
            self.assertLess(box["took"], full)
            self.assertLess(stopped_after, 0.1 + 0.4)  # 100 ms in the server, plus slack
            # The connection goes on.
            self.assertEqual(len(db.query("q").rows), 2)

    def test_query_timeout_of_the_server(self):
        server = Server(self.db_copy, "--query-timeout", "0.1")
        try:
            with ixdb_client.connect("127.0.0.1", server.port) as db:
                self.assertEqual(db.hello()["query_timeout_ms"], 100)
                start = time.monotonic()
                with self.assertRaises(ixdb_client.IxdbError) as e:
                    db.query(SLOW_QUERY)
                took = time.monotonic() - start
                self.assertEqual(e.exception.code, "Cancelled")
                self.assertIn("--query-timeout", e.exception.message)
                self.assertLess(took, 0.1 + 0.1 + 0.4)
        finally:
            server.stop()

    def test_client_timeout_cancels_on_the_server(self):
        with self.connect(timeout=0.15) as db:
            with self.assertRaises(ixdb_client.IxdbError) as e:
                db.query(SLOW_QUERY)
            self.assertEqual(e.exception.code, "Cancelled")
            self.assertIn("within 0.15 s", e.exception.message)
            self.assertIn("cancelled on the server", e.exception.message)
            # The next call connects again.
            self.assertEqual(len(db.query("q").rows), 2)
        deadline = time.monotonic() + 5
        while "cancel: query stopped" not in self.server.log_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn("cancel: query stopped", self.server.log_text())


class DataFrameTest(Fixture):
    def test_periods_units_and_numbers(self):
        import pandas as pd
        with self.connect() as db:
            frame = db.to_dataframe("q")
            self.assertEqual(str(frame["period"].dtype), "period[Q-DEC]")
            self.assertEqual(list(frame["period"]), [pd.Period("2023Q1", "Q"),
                                                     pd.Period("2023Q2", "Q")])
            self.assertEqual(frame.attrs["units"]["value"], "万人")
            self.assertEqual(list(frame["value"]), [1.25, 2.5])
            annual = db.to_dataframe("x")
            self.assertEqual(annual["period"][0], pd.Period("2000", "Y"))
            self.assertEqual(annual["value"][1].hex(), (1 / 3).hex())
            # Spans stay text; 2023Q1 of a cumulative series is a plain quarter.
            spans = db.to_dataframe("g")
            self.assertEqual(list(spans["period"]),
                             [pd.Period("2023Q1", "Q"), "2023H1", "2023Q1-Q3", "2023Q1-Q4"])
            self.assertEqual(spans.attrs["units"]["value"], "%")
            yoy = db.to_dataframe("yoy(x)")
            self.assertTrue(math.isnan(yoy["value"][0]))  # no base for the first year
            self.assertAlmostEqual(yoy["value"][1], (1 / 3 / 0.1 - 1) * 100, places=9)

    def test_without_pandas_a_clear_error(self):
        code = ("import sys; sys.modules['pandas'] = None\n"
                "import ixdb_client\n"
                "r = ixdb_client.Result([{'name': 'a', 'type': 'number', 'unit': ''}], [[1.0]], [])\n"
                "try:\n    r.to_dataframe()\nexcept ixdb_client.IxdbError as e:\n"
                "    print(e.code, e.message)\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        self.assertIn("NotSupported to_dataframe needs pandas", out.stdout, out.stderr)


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ixdb-python-tls-")
        cls.db = os.path.join(cls.dir, "db")
        write(os.path.join(cls.dir, "a.csv"), "indicator,period,vintage,value\na,2023,2024-01-20,0.1\n")
        run_ixdb("--db", cls.db, "load", os.path.join(cls.dir, "a.csv"))
        cls.cert, cls.key = os.path.join(cls.dir, "cert.pem"), os.path.join(cls.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=ixdb-test", "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", cls.key, "-out",
                        cls.cert], check=True, capture_output=True)
        cls.server = Server(cls.db, "--tls-cert", cls.cert, "--tls-key", cls.key)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_round_trip_by_ip_and_by_name(self):
        for host in ("127.0.0.1", "localhost"):
            with ixdb_client.connect(host, self.server.port, tls=True, cafile=self.cert) as db:
                self.assertEqual(db.query("a").rows[0][2].hex(), (0.1).hex())
                self.assertEqual(len(db.hello()["cancel_key"]), 32)

    def test_plaintext_is_refused_with_a_clear_error(self):
        with self.assertRaises(ixdb_client.IxdbError) as e:
            ixdb_client.connect("127.0.0.1", self.server.port)
        self.assertEqual(e.exception.code, "InvalidArgument")
        self.assertIn("accepts TLS connections only", e.exception.message)

    def test_an_untrusted_certificate_is_refused(self):
        with self.assertRaises(ixdb_client.IxdbError) as e:
            ixdb_client.connect("127.0.0.1", self.server.port, tls=True)
        self.assertEqual(e.exception.code, "IOError")
        self.assertIn("certificate verify failed", e.exception.message)


if __name__ == "__main__":
    unittest.main()
