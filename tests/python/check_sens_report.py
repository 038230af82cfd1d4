#!/usr/bin/env python3
"""Checks the `mpsim report` page of a sensitivity file against the --json
document of the `mpsim sensitivity` run that wrote the file.

usage: check_sens_report.py REPORT.html SENSITIVITY.json

Standard library only (tests/cli/report_sensitivity.sh runs it):

- every <svg> element parses as XML on its own (xml.etree);
- each scenario with studied inputs has a tornado chart (figure
  #tornado-N) whose bars are the JSON's tornado bars in the same order (by
  swing) with exactly their values, and an indices chart (#indices-N) of
  NPV whose bars are sorted by decreasing total index with exactly the
  JSON's indices and intervals;
- every number cell of the tornado, indices, sums, switching, EVPI and
  EVPPI tables holds exactly the JSON's value (data-value, 17 significant
  digits) and shows it formatted as docs/report.md promises; a value the
  JSON lacks ("no crossing in range") is "nan" with that text;
- nothing is fetched: no scripts, links, images or url(...).

Exits 0 when all is well, 1 with one line per failure otherwise.
"""
import html.parser
import json
import math
import re
import sys
import xml.etree.ElementTree as ET

FAILS = []


def fail(msg):
    FAILS.append(msg)


def fmt(x, dec):
    if x is None or not math.isfinite(x):
        return "n/a"
    s = f"{x:,.{dec}f}"
    if re.fullmatch(r"-[0,.]*", s):
        s = s[1:]
    return s


def same(got, want):
    """data-value text against a JSON number (None: undefined)."""
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got == "nan"
    return got != "nan" and float(got) == float(want)


# Decimals of each kind of cell (docs/report.md); None: not checked.
DEC = {"npv_p10": 1, "npv_p90": 1, "swing": 1, "expected_npv": 1, "static_npv": 1,
       "bcr_p10": 2, "bcr_p90": 2, "expected_bcr": 2, "evpi": 1, "evpi_se": 1,
       "expected_current": 1, "value": 1, "se": 1}
for k in ("first_order", "first_order_se", "first_order_lo", "first_order_hi", "total",
          "total_se", "total_lo", "total_hi", "first_order_sum", "first_order_sum_se",
          "unexplained"):
    DEC[k] = 3


class Page(html.parser.HTMLParser):
    """Collects the chart bars and the table cells with their context."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scenario = None
        self.figure = None
        self.table = None
        self.row = {}
        self.bars = {}     # figure id -> [attrs of each bar group]
        self.cells = []    # (scenario, table, row attrs, cell attrs, text)
        self.spans = []    # (scenario, p attrs, span attrs, text)
        self.charts = {}   # figure id -> data-chart of its svg
        self.cell = None
        self.para = None
        self.span = None

    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "section" and "data-scenario" in a:
            self.scenario = a["data-scenario"]
        elif tag == "section":
            self.scenario = None
        elif tag == "figure":
            self.figure = a.get("id")
        elif tag == "svg" and self.figure:
            self.charts[self.figure] = a.get("data-chart")
        elif tag == "g" and a.get("class") in ("tornado-bar", "indices-bar") and self.figure:
            self.bars.setdefault(self.figure, []).append(a)
        elif tag == "table":
            self.table = a.get("data-table")
        elif tag == "tr":
            self.row = a
        elif tag == "td" and "data-value" in a:
            self.cell = [a, ""]
        elif tag == "p":
            self.para = a
        elif tag == "span" and "data-value" in a:
            self.span = [a, ""]

    def handle_endtag(self, tag):
        if tag == "figure":
            self.figure = None
        elif tag == "table":
            self.table = None
        elif tag == "td" and self.cell:
            self.cells.append((self.scenario, self.table, self.row, self.cell[0],
                               self.cell[1].strip()))
            self.cell = None
        elif tag == "span" and self.span:
            self.spans.append((self.scenario, self.para or {}, self.span[0], self.span[1]))
            self.span = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data
        if self.span is not None:
            self.span[1] += data


def check_text(where, key, text, value):
    dec = DEC.get(key)
    if dec is None:
        return
    want = fmt(value, dec) if value is not None else None
    if want is not None and text != want:
        fail(f"{where}: {key} shows {text!r}, expected {want!r}")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    text = open(sys.argv[1], encoding="utf-8").read()
    doc = json.load(open(sys.argv[2], encoding="utf-8"))

    for i, svg in enumerate(re.findall(r"<svg\b.*?</svg>", text, re.S)):
        try:
            ET.fromstring(svg)
        except ET.ParseError as e:
            fail(f"SVG {i + 1} does not parse as XML: {e}")
    for bad in ("<script", "<link", "<img", "url(", "src=", 'href="http'):
        if bad in text:
            fail(f"the page fetches or runs something: {bad}")

    page = Page()
    page.feed(text)
    names = list(doc["scenarios"].keys())
    for n, name in enumerate(names, 1):
        sc = doc["scenarios"][name]
        if "tornado" not in sc:
            continue
        # The tornado: the JSON's bars, in its order (by swing).
        fig = f"tornado-{n}"
        if page.charts.get(fig) != "tornado":
            fail(f"{name}: no tornado chart #{fig}")
        bars = page.bars.get(fig, [])
        want = sc["tornado"]["bars"]
        if [b.get("data-input") for b in bars] != [w["input"] for w in want]:
            fail(f"{name}: tornado bars {[b.get('data-input') for b in bars]} "
                 f"not in the file's order {[w['input'] for w in want]}")
        for b, w in zip(bars, want):
            for attr, key in (("data-swing", "swing"), ("data-npv-p10", "npv_p10"),
                              ("data-npv-p90", "npv_p90")):
                if not same(b.get(attr, "?"), w[key]):
                    fail(f"{name}: tornado bar {w['input']}: {attr} {b.get(attr)} != {w[key]}")
        swings = [w["swing"] for w in want]
        if swings != sorted(swings, reverse=True):
            fail(f"{name}: the file's tornado is not sorted by swing")
        # The indices of NPV: sorted by total, the file's values.
        fig = f"indices-{n}"
        if "npv" in sc["indices"]:
            if page.charts.get(fig) != "indices":
                fail(f"{name}: no indices chart #{fig}")
            bars = page.bars.get(fig, [])
            idx = sc["indices"]["npv"]["inputs"]
            if sorted(b.get("data-input") for b in bars) != sorted(idx):
                fail(f"{name}: the indices chart lacks inputs")
            totals = [float(b["data-total"]) for b in bars if b.get("data-total") != "nan"]
            if totals != sorted(totals, reverse=True):
                fail(f"{name}: indices bars not sorted by total: {totals}")
            for b in bars:
                w = idx.get(b.get("data-input"), {})
                for attr, key in (("data-total", "total"), ("data-first-order", "first_order"),
                                  ("data-total-lo", "total_lo"), ("data-total-hi", "total_hi"),
                                  ("data-first-order-lo", "first_order_lo"),
                                  ("data-first-order-hi", "first_order_hi")):
                    if not same(b.get(attr, "?"), w.get(key)):
                        fail(f"{name}: indices bar {b.get('data-input')}: {attr}")
        # Every number cell of the scenario's tables.
        bars_by_input = {w["input"]: w for w in want}
        sw_by_input = {w["input"]: w for w in sc["switching"]["inputs"]}
        centre = {w["key_path"]: w["centre"] for w in sc["inputs"]}
        seen = 0
        for scen, table, row, cell, shown in page.cells:
            if scen != name:
                continue
            key = cell.get("data-key")
            got = cell["data-value"]
            where = f"{name}: table {table} row {row.get('data-input') or row.get('data-output')}"
            if table == "tornado":
                src = bars_by_input.get(row.get("data-input"), sc["tornado"])
            elif table == "indices":
                src = sc["indices"][row["data-output"]]["inputs"][row["data-input"]]
            elif table == "indices-sums":
                src = sc["indices"][row["data-output"]]
            elif table == "switching":
                src = dict(sw_by_input.get(row.get("data-input"), sc["switching"]))
                if "data-input" in row:
                    src["centre"] = centre[row["data-input"]]
                    if key == "static_value" and not src["static_applies"]:
                        if shown != "not read by the static appraisal":
                            fail(f"{where}: static value of an input it does not read: {shown!r}")
                    elif key.endswith("_value") and src[key] is None:
                        if shown != "no crossing in range":
                            fail(f"{where}: {key} without a crossing shows {shown!r}")
            else:
                continue
            if key not in src:
                fail(f"{where}: cell {key} is not in the JSON")
                continue
            if not same(got, src[key]):
                fail(f"{where}: {key} = {got}, the file has {src[key]}")
            if got != "nan":
                check_text(where, key, shown, src[key])
            seen += 1
        if seen == 0:
            fail(f"{name}: no table cells")
        for scen, para, span, shown in page.spans:
            if scen == name and "data-output" in para:
                w = sc["indices"][para["data-output"]]
                if not same(span["data-value"], w[span["data-key"]]):
                    fail(f"{name}: the stated {span['data-key']} is not the file's")
                check_text(name, span["data-key"], shown, w[span["data-key"]])

    voi = doc.get("voi")
    voi_cells = [c for c in page.cells if c[1] in ("evpi", "evppi")]
    if voi is None and voi_cells:
        fail("a value-of-information table without a batch")
    if voi is not None:
        if not voi_cells:
            fail("no value-of-information tables for a batch")
        for _, table, row, cell, shown in voi_cells:
            key = cell["data-key"]
            src = voi if table == "evpi" else voi["evppi"][row["data-input"]]
            if not same(cell["data-value"], src[key]):
                fail(f"voi: {table} {key} = {cell['data-value']}, the file has {src[key]}")
            check_text("voi", key, shown, src[key])

    for f in FAILS:
        print(f)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
