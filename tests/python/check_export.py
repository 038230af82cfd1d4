#!/usr/bin/env python3
"""Checks `mpsim export` output against the --json summary of the same file.

usage: check_export.py SUMMARY.json CSV_DIR [BOOK.xlsx]

The CSV files are read with the csv module; every number that the summary
also holds must be the same double (both print 17 significant digits).
With BOOK.xlsx (needs openpyxl, Debian python3-openpyxl), every sheet must
hold the CSV file's header, a units row, and the same values cell by cell
(numbers to one part in 10^15: the workbook keeps 16 significant digits,
Excel itself 15), with the two header rows frozen.  Exits 0 when all agree, 1 otherwise.
"""
import csv
import json
import math
import os
import sys

FAILS = []


def fail(msg):
    FAILS.append(msg)


def read(dirname, table):
    with open(os.path.join(dirname, table + ".csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def same(csv_text, want, where):
    if want is None:
        if csv_text != "":
            fail(f"{where}: summary null, CSV {csv_text!r}")
        return
    if csv_text == "":
        fail(f"{where}: CSV empty, summary {want!r}")
        return
    if float(csv_text) != float(want):
        fail(f"{where}: CSV {csv_text} != summary {want!r}")


def check_csv(doc, d):
    _, summary = read(d, "summary")
    by_name = {r["scenario"]: r for r in summary}
    if list(by_name) != list(doc["scenarios"]):
        fail(f"summary.csv scenarios {list(by_name)} != {list(doc['scenarios'])}")
    _, metrics = read(d, "metrics")
    _, missions = read(d, "missions")
    _, projects = read(d, "projects")
    _, kinds = read(d, "kinds")
    n = 0
    for name, s in doc["scenarios"].items():
        row = by_name.get(name, {})
        for k, v in s["static"].items():
            same(row.get("static_" + k, ""), v, f"{name}.static.{k}")
            n += 1
        if "dynamic" not in s:
            continue
        dyn = s["dynamic"]
        for k in ("expected_bcr", "p_bcr_above_1", "p_npv_negative", "expected_shortfall_5",
                  "bcr_undefined"):
            same(row.get(k, ""), dyn[k], f"{name}.dynamic.{k}")
            n += 1
        for k, v in dyn["decomposition"].items():
            same(row.get("decomposition_" + k, ""), v, f"{name}.decomposition.{k}")
            n += 1
        mrows = {r["metric"]: r for r in metrics if r["scenario"] == name}
        for m, stats in dyn["metrics"].items():
            for st, v in stats.items():
                same(mrows.get(m, {}).get(st, "?"), v, f"{name}.metrics.{m}.{st}")
                n += 1
        mis = {r["mission"]: r for r in missions if r["scenario"] == name}
        for m, v in s.get("missions", {}).items():
            for k, x in v.items():
                same(mis.get(m, {}).get(k, "?"), x, f"{name}.missions.{m}.{k}")
                n += 1
        pro = {r["project"]: r for r in projects if r["scenario"] == name}
        for p, v in s.get("projects", {}).items():
            for k, x in v.items():
                same(pro.get(p, {}).get(k, "?"), x, f"{name}.projects.{p}.{k}")
                n += 1
        kin = {r["kind"]: r for r in kinds if r["scenario"] == name}
        for p, v in s.get("kinds", {}).items():
            for k, x in v.items():
                same(kin.get(p, {}).get(k, "?"), x, f"{name}.kinds.{p}.{k}")
                n += 1
    _, comps = read(d, "comparisons")
    _, cmis = read(d, "comparison_missions")
    comps_json = doc.get("comparisons", [])
    if len(comps) != len(comps_json):
        fail(f"comparisons.csv has {len(comps)} rows, the summary {len(comps_json)}")
    for i, c in enumerate(comps_json):
        row = comps[i] if i < len(comps) else {}
        for k, v in c.items():
            if k in ("a", "b"):
                if row.get(k) != v:
                    fail(f"comparison {i}: {k} {row.get(k)!r} != {v!r}")
            elif k == "p_achieved_diff":
                got = {r["mission"]: r["p_achieved_diff"] for r in cmis
                       if r["a"] == c["a"] and r["b"] == c["b"]}
                for m, x in v.items():
                    same(got.get(m, "?"), x, f"comparison {i}.p_achieved_diff.{m}")
                    n += 1
            else:
                same(row.get(k, "?"), v, f"comparison {i}.{k}")
                n += 1
    return n


def check_xlsx(d, book):
    import openpyxl

    wb = openpyxl.load_workbook(book, read_only=False)
    n = 0
    tables = [f[:-4] for f in sorted(os.listdir(d)) if f.endswith(".csv")]
    if sorted(wb.sheetnames) != sorted(tables):
        fail(f"sheets {wb.sheetnames} != CSV files {tables}")
    _, columns = read(d, "columns")
    units = {(r["table"], r["column"]): r["units"] for r in columns}
    for t in tables:
        if t not in wb.sheetnames:
            continue
        ws = wb[t]
        header, rows = read(d, t)
        got = [[c.value for c in r] for r in ws.iter_rows()]
        if [x for x in got[0] if x is not None] != header:
            fail(f"sheet {t}: header {got[0]} != {header}")
            continue
        skip = 1
        if t != "columns":
            skip = 2
            if ws.freeze_panes != "A3":
                fail(f"sheet {t}: frozen at {ws.freeze_panes}, not below the two header rows")
            for j, name in enumerate(header):
                want = units.get((t, name)) or None
                if got[1][j] != want:
                    fail(f"sheet {t}: units of {name} {got[1][j]!r} != {want!r}")
        elif ws.freeze_panes != "A2":
            fail("sheet columns: header row not frozen")
        body = got[skip:]
        if len(body) != len(rows):
            fail(f"sheet {t}: {len(body)} rows, CSV {len(rows)}")
            continue
        for i, (cells, row) in enumerate(zip(body, rows)):
            for j, name in enumerate(header):
                text = row[name]
                cell = cells[j] if j < len(cells) else None
                if text == "":
                    if cell not in (None, ""):
                        fail(f"sheet {t} row {i}: {name} {cell!r}, CSV empty")
                    continue
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    # libxlsxwriter writes 16 significant digits (Excel keeps
                    # 15): the same number to within one part in 10^15.
                    a, b = float(cell), float(text)
                    if abs(a - b) > 1e-15 * abs(b):
                        fail(f"sheet {t} row {i}: {name} {cell!r} != CSV {text}")
                    n += 1
                elif cell != text:
                    fail(f"sheet {t} row {i}: {name} {cell!r} != CSV {text!r}")
        money = [c for c in ws[3] if c.number_format == "#,##0.0"]
        if t == "summary" and not money:
            fail("sheet summary: no £m number format")
    return n


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    n = check_csv(doc, sys.argv[2])
    m = 0
    if len(sys.argv) > 3:
        m = check_xlsx(sys.argv[2], sys.argv[3])
    for f in FAILS[:40]:
        print("check_export:", f, file=sys.stderr)
    print(f"check_export: {n} CSV numbers against the summary, {m} workbook cells against "
          f"the CSV files, {len(FAILS)} problems")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
