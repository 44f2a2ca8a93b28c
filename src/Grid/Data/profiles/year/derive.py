#!/usr/bin/env python3
"""Rebuilds the year series in this folder from the shared year data (../shared/data/year, see its README and
make_year_data.py there), keeping only the columns MicroMarket reads, values copied unchanged.

    python3 derive.py /work/shared/data/year

Standard library only. Checks that every output is regular in absolute time and has one full year of rows.
"""
import csv
import sys
from datetime import datetime, timedelta
from pathlib import Path

# output file -> (shared source file, columns kept after the timestamp, step in minutes, rows)
FILES = {
    "pvgis_tmy_45.0N_8.0E_hourly.csv": ("pvgis_tmy_2005-2023_45.0N_8.0E_hourly.csv",
                                        ["ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c_at_2m"], 60, 8760),
    "windpowerlib_2010_10m_hourly.csv": ("windpowerlib_example_weather_2010_hourly.csv",
                                         ["wind_speed_m_s_at_10m"], 60, 8760),
    "bdew_h0_dyn_2026_15min.csv": ("bdew_h0_2026_15min.csv", ["h0_dyn_kw_per_mwh_a"], 15, 35040),
}


def parse(stamp):
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def main(source):
    here = Path(__file__).resolve().parent
    for name, (original, columns, step, rows) in FILES.items():
        with open(Path(source) / original, newline="") as f:
            table = list(csv.DictReader(f))
        if len(table) != rows:
            sys.exit(f"{original}: expected {rows} rows, found {len(table)}")
        previous = None
        for row in table:
            at = parse(row["timestamp"])
            if previous is not None and at - previous != timedelta(minutes=step):
                sys.exit(f"{original}: {row['timestamp']} breaks the {step}-minute step")
            previous = at
        with open(here / name, "w", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(["timestamp", *columns])
            for row in table:
                out.writerow([row["timestamp"], *(row[c] for c in columns)])
        print(f"{name}: {rows} rows from {original}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/year")
