#!/usr/bin/env python3
"""Checks the demo data set in this folder before it is loaded (python3, standard library only).

    python3 data/wuhan/validate.py [--report PATH]

Checks: the headers; series codes; that every row of a series carries the same metadata; that
every target's indicator (and relative_to) is a series defined in observations.csv or
bulletins.csv; periods valid for the series' frequency; values numeric or blank; vocabulary of
measure / status / qualifier / comparator; no duplicate (indicator, period, vintage).
For history.csv (earlier years from bulletins and releases) also: every row has a value, a status
and a source; its vintage falls after the end of its period; and it adds no 2023 or 2024 period
to a series of observations.csv or bulletins.csv (so the seed's and the bulletins' 2023/2024
figures stay what they are). With the seed report at hand (default ../shared/seed/wuhan-2023-plan-report.txt next to the
repository), also that every `source` of the 2024-01-20 vintage is an exact phrase of the report
(page breaks inside a sentence removed). Exits 1 and lists the problems if any.
"""
import argparse
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LONG_HEADER = ["indicator", "period", "vintage", "value", "unit", "status", "qualifier", "measure", "frequency",
               "cumulative", "name", "name_en", "region", "level_series", "source"]
# observations.csv also says which direction is good for the indicators where lower is better.
OBS_HEADER = LONG_HEADER[:14] + ["better"] + LONG_HEADER[14:]
TARGET_HEADER = ["indicator", "period", "target", "comparator", "tolerance", "unit", "vintage", "source",
                 "relative_to", "text"]
META = ["unit", "measure", "frequency", "cumulative", "name", "name_en", "region", "level_series"]
CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
MEASURES = {"level", "growth", "rate", "share", "count", "ratio"}
STATUSES = {"", "estimate", "preliminary", "final", "revised"}
QUALIFIERS = {"", "~", ">=", "<="}
COMPARATORS = {">=", "<=", "~", "=", "relative", "qualitative"}
ANNUAL = re.compile(r"^\d{4}$")
QUARTER = re.compile(r"^\d{4}(Q[1-4]|H1|Q1-Q[1-4])$")
MONTH = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|M(0[1-9]|1[0-2])|M01-M(0[1-9]|1[0-2]))$")

# The seed and bulletins.csv own these years; history.csv must not add to them.
SEED_YEARS = ("2023", "2024")

problems = []


def problem(where, what):
    problems.append(f"{where}: {what}")


def read(path, header):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != header:
        problem(path, f"header must be {','.join(header)}")
        return []
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problem(f"{path}:{n}", f"{len(row)} columns, expected {len(header)}")
            continue
        out.append((n, dict(zip(header, row))))
    return out


def period_ok(period, freq, cumulative):
    if freq == "annual":
        return bool(ANNUAL.match(period))
    if freq == "quarterly":
        return bool(QUARTER.match(period)) or (cumulative and bool(ANNUAL.match(period)))
    if freq == "monthly":
        return bool(MONTH.match(period)) or (cumulative and bool(ANNUAL.match(period)))
    return False


def check_long(path, series, keys, header=LONG_HEADER):
    rows = read(path, header)
    for n, r in rows:
        where = f"{os.path.basename(path)}:{n}"
        code = r["indicator"]
        if not CODE.match(code):
            problem(where, f"bad series code {code!r}")
        meta = tuple(r[k] for k in META)
        if code in series and series[code][0] != meta:
            problem(where, f"metadata of {code} differs from line {series[code][1]}")
        series.setdefault(code, (meta, where))
        m = dict(zip(META, meta))
        if m["measure"] not in MEASURES:
            problem(where, f"bad measure {m['measure']!r}")
        if m["frequency"] not in ("annual", "quarterly", "monthly"):
            problem(where, f"bad frequency {m['frequency']!r}")
        if m["cumulative"] not in ("true", "false"):
            problem(where, f"bad cumulative {m['cumulative']!r}")
        if m["cumulative"] == "true" and m["frequency"] == "annual":
            problem(where, "an annual series cannot be cumulative")
        if not m["name"] or not m["name_en"] or not m["unit"]:
            problem(where, "name, name_en and unit are required")
        if m["measure"] in ("growth", "rate", "share") and m["unit"] != "%":
            problem(where, f"a {m['measure']} series must be in %")
        if not period_ok(r["period"], m["frequency"], m["cumulative"] == "true"):
            problem(where, f"period {r['period']!r} does not fit a {m['frequency']} series")
        if not DATE.match(r["vintage"]):
            problem(where, f"bad vintage {r['vintage']!r}")
        if r["value"] and not NUMBER.match(r["value"]):
            problem(where, f"bad value {r['value']!r}")
        if r["status"] not in STATUSES:
            problem(where, f"bad status {r['status']!r}")
        if r.get("better", "") not in ("", "higher", "lower"):
            problem(where, f"bad better {r['better']!r}")
        if r["qualifier"] not in QUALIFIERS:
            problem(where, f"bad qualifier {r['qualifier']!r}")
        if r["value"] and not r["source"]:
            problem(where, "a value needs its source")
        # A bare year on a cumulative quarterly series is the full-year span Q1-Q4.
        period = r["period"]
        if m["cumulative"] == "true" and ANNUAL.match(period):
            period += "Q1-Q4"
        key = (code, period, r["vintage"])
        if key in keys:
            problem(where, f"duplicate ({code}, {r['period']}, {r['vintage']}), first at {keys[key]}")
        keys[key] = where
    return rows


def period_end(period):
    """The last day of a period as YYYY-MM-DD (a bare year is the whole year)."""
    year = period[:4]
    rest = period[4:]
    if not rest:
        return f"{year}-12-31"
    m = re.search(r"Q([1-4])$", rest)
    if m:
        month = 3 * int(m.group(1))
    elif rest == "H1":
        month = 6
    else:
        m = re.search(r"(\d{2})$", rest)
        month = int(m.group(1))
    last = {2: 29 if int(year) % 4 == 0 else 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(month, 31)
    return f"{year}-{month:02d}-{last:02d}"


def check_history(rows, seed_codes):
    for n, r in rows:
        where = f"history.csv:{n}"
        if not r["value"]:
            problem(where, "every history row needs a value (list a figure not found in the README instead)")
        if not r["status"]:
            problem(where, "every history row needs a status")
        if r["indicator"] in seed_codes and r["period"][:4] in SEED_YEARS:
            problem(where, f"{r['indicator']} {r['period']}: history.csv must not add a 2023 or 2024 value "
                           "to a series of observations.csv or bulletins.csv")
        if DATE.match(r["vintage"]) and r["vintage"] <= period_end(r["period"]):
            problem(where, f"vintage {r['vintage']} is not after the end of period {r['period']}")


def main():
    ap = argparse.ArgumentParser()
    default_report = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "seed",
                                                   "wuhan-2023-plan-report.txt"))
    ap.add_argument("--report", default=default_report)
    args = ap.parse_args()

    series, keys = {}, {}
    obs = check_long(os.path.join(HERE, "observations.csv"), series, keys, OBS_HEADER)
    bul = check_long(os.path.join(HERE, "bulletins.csv"), series, keys)
    hist = check_long(os.path.join(HERE, "history.csv"), series, keys)
    check_history(hist, {r["indicator"] for _, r in obs + bul})
    tgt = read(os.path.join(HERE, "targets.csv"), TARGET_HEADER)
    obs_codes = {r["indicator"] for _, r in obs}
    for _, r in bul:
        if r["indicator"] not in obs_codes:
            problem("bulletins.csv", f"{r['indicator']} is not defined in observations.csv")
    tkeys = {}
    for n, r in tgt:
        where = f"targets.csv:{n}"
        code = r["indicator"]
        if code not in obs_codes:
            problem(where, f"indicator {code!r} is not a series of observations.csv")
            continue
        m = dict(zip(META, series[code][0]))
        if not period_ok(r["period"], m["frequency"], m["cumulative"] == "true"):
            problem(where, f"period {r['period']!r} does not fit a {m['frequency']} series")
        if r["comparator"] not in COMPARATORS:
            problem(where, f"bad comparator {r['comparator']!r}")
        numeric = r["comparator"] not in ("relative", "qualitative")
        if numeric and not NUMBER.match(r["target"]):
            problem(where, f"a {r['comparator']} target needs a number, got {r['target']!r}")
        if not numeric and r["target"]:
            problem(where, f"a {r['comparator']} target has no number")
        if not numeric and not r["text"]:
            problem(where, f"a {r['comparator']} target needs its text")
        if r["comparator"] == "relative" and r["relative_to"] not in obs_codes:
            problem(where, f"relative_to {r['relative_to']!r} is not a series")
        if r["tolerance"] and not NUMBER.match(r["tolerance"]):
            problem(where, f"bad tolerance {r['tolerance']!r}")
        if r["unit"] and r["unit"] != m["unit"]:
            problem(where, f"unit {r['unit']!r} differs from the series' unit {m['unit']!r}")
        if not DATE.match(r["vintage"]):
            problem(where, f"bad vintage {r['vintage']!r}")
        if not r["source"]:
            problem(where, "a target needs its source phrase")
        key = (code, r["period"], r["vintage"])
        if key in tkeys:
            problem(where, f"duplicate target ({code}, {r['period']}, {r['vintage']}), first at {tkeys[key]}")
        tkeys[key] = where

    checked_sources = 0
    if os.path.exists(args.report):
        with open(args.report, encoding="utf-8") as f:
            text = f.read()
        # Page breaks cut some sentences in two ("…2198亿\n\n元。"): join those for matching.
        joined = re.sub(r"(?<=[^。：！\n])\n\n(?=[^\n])", "", text)
        for path, rows in (("observations.csv", obs), ("targets.csv", tgt)):
            for n, r in rows:
                if r["vintage"] == "2024-01-20" and r["source"]:
                    checked_sources += 1
                    if r["source"] not in text and r["source"] not in joined:
                        problem(f"{path}:{n}", f"source is not a phrase of the report: {r['source']}")
    else:
        print(f"note: report not found at {args.report}; sources not checked", file=sys.stderr)

    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} problem(s)")
        return 1
    n_values = sum(1 for _, r in obs if r["value"])
    print(f"ok: {len(series)} series; observations.csv {len(obs)} rows ({n_values} with a value, "
          f"{len(obs) - n_values} blank); bulletins.csv {len(bul)} rows; history.csv {len(hist)} rows; "
          f"targets.csv {len(tgt)} targets; "
          f"{checked_sources} sources checked against the report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
