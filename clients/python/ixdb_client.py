#!/usr/bin/env python3
"""A client for ixdb servers (`ixdb serve`), in Python's standard library only.

    import ixdb_client
    with ixdb_client.connect("127.0.0.1", 7380) as db:
        result = db.query("yoy(gdp)[2019:]")
        print(result.columns, result.rows)
        frame = db.to_dataframe("yoy(gdp)[2019:]")   # needs pandas

It speaks the wire protocol of docs/protocol.md: 4-byte big-endian length-prefixed frames, each
one UTF-8 JSON object. Runnable as a script too: `python3 ixdb_client.py --help`.
"""

import argparse
import base64
import csv
import json
import os
import re
import socket
import ssl
import struct
import sys
import threading

__all__ = ["connect", "Connection", "Result", "IxdbError"]

PROTOCOL_VERSION = 2  # 2: a query may carry "as_of"
_HEADER = struct.Struct(">I")
_MAX_FRAME = 2**32 - 1
_READ_CHUNK = 1 << 20


class IxdbError(Exception):
    """Every failure: the server's error (with its protocol `code`, e.g. "InvalidArgument",
    "NotFound", "Cancelled", "LimitExceeded", "Busy") or the connection's ("IOError")."""

    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message


class Result:
    """One query's answer: `columns` (dicts with `name`, `type`, `unit`), `rows` (lists, one
    cell per column: None, str, int or float, numbers exactly as the server has them) and
    `notes` (remarks for people)."""

    def __init__(self, columns, rows, notes):
        self.columns = columns
        self.rows = rows
        self.notes = notes

    def __repr__(self):
        return "Result(%d columns, %d rows)" % (len(self.columns), len(self.rows))

    def to_dataframe(self):
        """A pandas DataFrame: `period` cells become pandas.Period where the frequency allows
        (2023, 2023Q3, 2023-07; spans such as 2023Q1-Q3 or 2023H1 stay text), dates become
        Timestamps, and DataFrame.attrs["units"] maps each column to its unit."""
        try:
            import pandas as pd
        except ImportError:
            raise IxdbError("NotSupported",
                            "to_dataframe needs pandas, which is not installed "
                            "(Debian: apt-get install python3-pandas)") from None
        data = {}
        for i, col in enumerate(self.columns):
            cells = [row[i] for row in self.rows]
            data[col["name"]] = _pandas_column(pd, col["type"], cells)
        frame = pd.DataFrame(data, columns=[c["name"] for c in self.columns])
        frame.attrs["units"] = {c["name"]: c.get("unit", "") for c in self.columns}
        frame.attrs["notes"] = list(self.notes)
        return frame


_PERIOD_FORMS = [
    (re.compile(r"^\d{4}$"), "Y", lambda s: s),
    (re.compile(r"^\d{4}Q[1-4]$"), "Q", lambda s: s),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), "M", lambda s: s),
    # A cumulative January is January itself.
    (re.compile(r"^\d{4}M01$"), "M", lambda s: s[:4] + "-01"),
]


def _to_period(pd, text):
    if not isinstance(text, str):
        return text
    for pattern, freq, normalise in _PERIOD_FORMS:
        if pattern.match(text):
            return pd.Period(normalise(text), freq=freq)
    return text  # a span (2023Q1-Q3, 2023H1, 2023M01-M05): pandas has no such period


def _pandas_column(pd, kind, cells):
    if kind == "period":
        values = [_to_period(pd, c) for c in cells]
        freqs = {v.freqstr for v in values if isinstance(v, pd.Period)}
        if values and len(freqs) == 1 and all(isinstance(v, pd.Period) for v in values):
            return pd.array(values, dtype=pd.PeriodDtype(values[0].freq))
        return pd.Series(values, dtype=object)
    if kind == "number":
        return pd.Series([float("nan") if c is None else float(c) for c in cells],
                         dtype="float64")
    if kind == "integer":
        return pd.Series(cells, dtype="Int64")
    if kind == "date":
        return pd.to_datetime(pd.Series(cells, dtype=object), format="%Y-%m-%d")
    return pd.Series(cells, dtype=object)


class Connection:
    """One connection to an ixdb server. `query`, `load`, `hello` and `ping` send one request
    each and wait for its answer (one at a time: calls from several threads are serialised);
    `cancel` may be called from any other thread while `query` waits. After a network error or
    a timeout the connection is dropped and the next call connects again. Use `connect()`."""

    def __init__(self, host, port, token=None, timeout=60, tls=False, cafile=None):
        self.host = host
        self.port = int(port)
        self.address = "%s:%d" % (host, self.port) if ":" not in host else "[%s]:%d" % (
            host, self.port)
        self.token = token
        self.timeout = timeout if timeout and timeout > 0 else None
        self._tls = None
        if tls or cafile:
            self._tls = ssl.create_default_context(cafile=cafile)
            self._tls.minimum_version = ssl.TLSVersion.TLSv1_2
        self._sock = None
        self._lock = threading.Lock()  # one request at a time
        self._state = threading.Lock()  # what cancel() reads from another thread
        self._cancel_key = None
        self._running_id = None
        self._next_id = 1
        self.server_info = {}
        with self._lock:
            self._open()

    # -- the public API ------------------------------------------------------------------------

    def hello(self):
        """The server's hello: version, protocol, limits, whether it takes loads and needs a
        token, and this connection's cancel key."""
        with self._lock:
            return self._exchange({"op": "hello"})

    def ping(self):
        with self._lock:
            return self._exchange({"op": "ping"}).get("pong") is True

    def query(self, q, as_of=None):
        """Runs one query of the ixdb query language; returns a Result. `as_of` (a date
        "YYYY-MM-DD" or a datetime.date) reads the store as known at the end of that day, as
        asof(q, DATE) does. Raises IxdbError with the server's code (InvalidArgument for a bad
        query, with its caret line; NotFound for an unknown series; Cancelled when cancel() or a
        time limit stopped it; NotSupported for as_of on a server of protocol 1)."""
        request = {"op": "query", "q": q}
        if as_of is not None:
            request["as_of"] = as_of.isoformat() if hasattr(as_of, "isoformat") else str(as_of)
        with self._lock:
            if as_of is not None and self.server_info.get("protocol", 1) < 2:
                # Such a server would ignore the date and answer with the latest values.
                raise IxdbError("NotSupported", "the server at %s speaks protocol %s, which "
                                "cannot read as of a date; use asof(QUERY, %s)" %
                                (self.address, self.server_info.get("protocol"), request["as_of"]))
            with self._state:
                query_id = self._next_id
                self._next_id += 1
                self._running_id = query_id
            try:
                request["id"] = query_id
                answer = self._exchange(request, cancellable=True)
            finally:
                with self._state:
                    self._running_id = None
        return Result(answer.get("columns", []), answer.get("rows", []), answer.get("notes", []))

    def to_dataframe(self, q, as_of=None):
        """`query(q, as_of)` as a pandas DataFrame (see Result.to_dataframe)."""
        return self.query(q, as_of).to_dataframe()

    def load(self, paths, vintage=None, format="auto", encoding="auto"):
        """Loads the files at `paths` (a list) on the server as one all-or-nothing load, like
        `ixdb load`. Files that are not UTF-8 (GB18030 from Excel) travel as base64. Returns the
        answer: `summary` (load_id, rows_read, ...), `notes` and `text` (what `ixdb load`
        prints)."""
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        files = []
        for path in paths:
            with open(path, "rb") as f:
                content = f.read()
            entry = {"name": os.fspath(path)}
            try:
                entry["content"] = content.decode("utf-8")
            except UnicodeDecodeError:
                entry["content_base64"] = base64.b64encode(content).decode("ascii")
            files.append(entry)
        request = {"op": "load", "files": files,
                   "options": {"format": format, "encoding": encoding, "vintage": vintage}}
        if self.token:
            request["token"] = self.token
        with self._lock:
            return self._exchange(request)

    def cancel(self):
        """Stops the query that `query` is waiting for in another thread, through a cancel
        request on a second connection; that `query` then raises IxdbError with code
        "Cancelled". Returns True when a running query was told to stop, False when none ran."""
        with self._state:
            key, query_id = self._cancel_key, self._running_id
        if query_id is None:
            return False
        if not key:
            raise IxdbError("NotSupported", "the server at %s gave no cancel key" % self.address)
        sock = self._dial(self.timeout or 10)
        try:
            _send(sock, {"op": "cancel", "cancel_key": key, "query_id": query_id})
            answer = _receive(sock)
        except OSError as e:
            raise IxdbError("IOError", "sending the cancel to %s: %s" % (self.address, e))
        finally:
            sock.close()
        if answer.get("ok") is not True:
            if answer.get("code") == "NotFound":
                return False  # the connection closed meanwhile
            raise _server_error(answer)
        return answer.get("cancelled") is True

    def close(self):
        with self._state:
            sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- the wire ------------------------------------------------------------------------------

    def _dial(self, timeout):
        try:
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
        except OSError as e:
            raise IxdbError("IOError", "cannot connect to %s: %s" % (self.address, e)) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self._tls is None:
            return sock
        try:
            return self._tls.wrap_socket(sock, server_hostname=self.host)
        except ssl.SSLError as e:
            sock.close()
            hint = ""
            if "WRONG_VERSION_NUMBER" in str(e) or "record layer failure" in str(e):
                hint = " (the server does not speak TLS: is it started with --tls-cert?)"
            elif isinstance(e, ssl.SSLCertVerificationError):
                hint = " (give the CA or the server's certificate with cafile=)"
            raise IxdbError("IOError", "TLS handshake with %s failed: %s%s" %
                            (self.address, e, hint)) from None
        except OSError as e:
            sock.close()
            raise IxdbError("IOError", "TLS handshake with %s failed: %s" %
                            (self.address, e)) from None

    def _open(self):
        sock = self._dial(self.timeout)
        try:
            _send(sock, {"op": "hello"})
            info = _receive(sock)
        except (OSError, ValueError) as e:
            sock.close()
            raise IxdbError("IOError", "connection to %s: %s" % (self.address, e)) from None
        if info.get("ok") is not True:
            sock.close()
            raise _server_error(info)
        with self._state:
            self._sock = sock
            self._cancel_key = info.get("cancel_key")
        self.server_info = info

    def _exchange(self, request, cancellable=False):
        if self._sock is None:
            self._open()
        try:
            _send(self._sock, request)
            answer = _receive(self._sock)
        except socket.timeout:
            self.close()
            if cancellable:
                cancelled = ""
                try:
                    self.cancel()
                    cancelled = "the query was cancelled on the server"
                except IxdbError as e:
                    cancelled = "cancelling it failed: " + e.message
                raise IxdbError("Cancelled", "no answer from %s within %g s (timeout=): %s" %
                                (self.address, self.timeout, cancelled)) from None
            raise IxdbError("IOError", "no answer from %s within %g s (timeout=)" %
                            (self.address, self.timeout)) from None
        except (OSError, ValueError) as e:
            self.close()
            raise IxdbError("IOError", "connection to %s: %s" % (self.address, e)) from None
        if answer.get("ok") is not True:
            raise _server_error(answer)
        return answer


def _send(sock, request):
    payload = json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(payload) > _MAX_FRAME:
        raise IxdbError("LimitExceeded", "request of %d bytes is larger than a frame can carry" %
                        len(payload))
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _read_exactly(sock, n):
    chunks, have = [], 0
    while have < n:
        chunk = sock.recv(min(n - have, _READ_CHUNK))
        if not chunk:
            raise ConnectionError("closed by the server")
        chunks.append(chunk)
        have += len(chunk)
    return b"".join(chunks)


def _receive(sock):
    (length,) = _HEADER.unpack(_read_exactly(sock, _HEADER.size))
    # Python's json reads doubles correctly rounded, so numbers arrive exactly.
    answer = json.loads(_read_exactly(sock, length).decode("utf-8"))
    if not isinstance(answer, dict):
        raise ValueError("the server's answer is not a JSON object")
    return answer


def _server_error(answer):
    code = answer.get("code")
    return IxdbError(code if isinstance(code, str) and code else "IOError",
                     str(answer.get("error", "the server reported an error without a message")))


def connect(host, port, token=None, timeout=60, tls=False, cafile=None):
    """Connects to the ixdb server at host:port and says hello. `token`: the server's secret for
    loads. `timeout`: seconds to wait for each answer (None or 0: no limit); a query still
    running then is cancelled on the server and IxdbError("Cancelled") raised. `tls`: speak TLS,
    verifying the server's certificate (and that it names `host`, a name or an IP address)
    against the system's store or `cafile` (PEM)."""
    return Connection(host, port, token=token, timeout=timeout, tls=tls, cafile=cafile)


# -- the script --------------------------------------------------------------------------------

def _token_from(args):
    sources = [name for name, given in (("--token-file", args.token_file),
                                        ("IXDB_TOKEN", "IXDB_TOKEN" in os.environ)) if given]
    if len(sources) > 1:
        raise IxdbError("InvalidArgument", "the token is given twice (%s)" % " and ".join(sources))
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as f:
            token = f.readline().strip()
        if not token:
            raise IxdbError("InvalidArgument", "the token file %s is empty" % args.token_file)
        return token
    return os.environ.get("IXDB_TOKEN") or None


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Query or load an ixdb server (the token comes from --token-file or "
                    "IXDB_TOKEN).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7380)
    parser.add_argument("--token-file", help="file whose first line is the server's token")
    parser.add_argument("--timeout", type=float, default=60,
                        help="seconds to wait for each answer (0: no limit; default 60)")
    parser.add_argument("--tls", action="store_true", help="speak TLS")
    parser.add_argument("--cafile", help="CA (or the server's certificate) to trust, PEM")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("hello", help="print the server's hello")
    q = sub.add_parser("query", help="run a query and print the result as CSV")
    q.add_argument("q")
    ld = sub.add_parser("load", help="load files as one all-or-nothing load")
    ld.add_argument("files", nargs="+")
    ld.add_argument("--vintage")
    ld.add_argument("--format", default="auto")
    ld.add_argument("--encoding", default="auto")
    args = parser.parse_args(argv)
    try:
        with connect(args.host, args.port, token=_token_from(args), timeout=args.timeout,
                     tls=args.tls, cafile=args.cafile) as db:
            if args.command == "hello":
                print(json.dumps(db.hello(), ensure_ascii=False, indent=2))
            elif args.command == "query":
                result = db.query(args.q)
                out = csv.writer(sys.stdout, lineterminator="\n")
                out.writerow([c["name"] for c in result.columns])
                for row in result.rows:
                    out.writerow(["" if c is None else repr(c) if isinstance(c, float) else c
                                  for c in row])
            else:
                answer = db.load(args.files, vintage=args.vintage, format=args.format,
                                 encoding=args.encoding)
                sys.stdout.write(answer.get("text", ""))
    except IxdbError as e:
        print("ixdb_client: %s" % e, file=sys.stderr)
        return 1
    except OSError as e:
        print("ixdb_client: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
