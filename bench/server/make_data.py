#!/usr/bin/env python3
"""The data of bench/server, written once for ixdb (CSV) and PostgreSQL (COPY CSV).

    make_data.py DIR [--series 2000]

DIR/ixdb.csv, DIR/targets.csv:  what `ixdb load` reads
DIR/pg_obs.csv, DIR/pg_targets.csv: the same rows for PostgreSQL's COPY
DIR/big.csv: the 1M-row load of the consistency run (the c series revised among 1M new rows)

Monthly series m0000.. over 2015-01..2024-12 (vintage 2025-01-20), their last 12 months revised
on 2025-03-01; annual series a000..a049 over 2000..2024 with targets for 2024; the c series
c000..c099 hold i for 2023 (and i + 1000 after big.csv). No gaps, so PostgreSQL's LAG over rows is
the calendar lag ixdb computes. Values are deterministic.
"""
import os
import sys


def main():
    out = sys.argv[1]
    series = int(sys.argv[sys.argv.index("--series") + 1]) if "--series" in sys.argv else 2000
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "ixdb.csv"), "w") as ix, \
            open(os.path.join(out, "pg_obs.csv"), "w") as pg:
        ix.write("indicator,period,vintage,value,unit,measure,frequency\n")
        pg.write("series,period,vintage,value\n")
        for s in range(series):
            code = "m%04d" % s
            for m in range(120):
                y, mo = 2015 + m // 12, m % 12 + 1
                v = round(1000 + s * 3.5 + m * 2.25 + (m * 7919 + s) % 13 * 0.125, 3)
                ix.write("%s,%d-%02d,2025-01-20,%r,亿元,level,monthly\n" % (code, y, mo, v))
                pg.write("%s,%d-%02d-01,2025-01-20,%r\n" % (code, y, mo, v))
                if m >= 108:
                    r = round(v + 0.5, 3)
                    ix.write("%s,%d-%02d,2025-03-01,%r,亿元,level,monthly\n" % (code, y, mo, r))
                    pg.write("%s,%d-%02d-01,2025-03-01,%r\n" % (code, y, mo, r))
        for a in range(50):
            code = "a%03d" % a
            for y in range(2000, 2025):
                v = round(500 + a * 10 + (y - 2000) * 12.5, 3)
                ix.write("%s,%d,2025-01-20,%r,亿元,level,annual\n" % (code, y, v))
                pg.write("%s,%d-01-01,2025-01-20,%r\n" % (code, y, v))
        for c in range(100):
            ix.write("c%03d,2023,2024-01-20,%d,万人,count,annual\n" % (c, c))
            pg.write("c%03d,2023-01-01,2024-01-20,%d\n" % (c, c))
    with open(os.path.join(out, "targets.csv"), "w") as ix, \
            open(os.path.join(out, "pg_targets.csv"), "w") as pg:
        ix.write("indicator,period,target,comparator,unit,vintage,text\n")
        pg.write("series,year,target,comparator\n")
        for a in range(50):
            target = 500 + a * 10 + 24 * 12.5 + (a % 3 - 1) * 5
            ix.write("a%03d,2024,%r,突破,亿元,2024-01-20,目标\n" % (a, target))
            pg.write("a%03d,2024,%r,>=\n" % (a, target))
    with open(os.path.join(out, "big.csv"), "w") as big:
        big.write("indicator,period,vintage,value,unit,measure,frequency\n")
        for s in range(10000):
            if s % 100 == 0:
                c = s // 100
                big.write("c%03d,2023,2025-06-01,%d,万人,count,annual\n" % (c, c + 1000))
            for y in range(1925, 2025):
                big.write("n%05d,%d,2025-06-01,%d,万人,count,annual\n" % (s, y, s + y))


if __name__ == "__main__":
    main()
