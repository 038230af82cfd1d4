#!/usr/bin/env python3
"""Checks an `mpsim report` page against the --json summary of its results file.

usage: check_report.py REPORT.html SUMMARY.json [--expect-batch]

Standard library only (tests/cli/report.sh runs it with any python3):

- every <svg> element parses as XML on its own (xml.etree);
- every number cell with a data-key holds exactly the JSON value at that
  path (data-value, 17 significant digits) and shows it formatted as the
  report promises (docs/report.md: £m one decimal, ratios two,
  probabilities three, thousands separators, n/a when undefined);
- the page has every chart and table listed in docs/report.md for each
  scenario (missions, economy and cost charts where the run models them);
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


def lookup(doc, key):
    """The value at a dotted path of the summary; ids may hold dots, so
    scenario-level keys are resolved against the known layout."""
    parts = key.split(".")
    cur = doc
    i = 0
    while i < len(parts):
        if isinstance(cur, list):
            cur = cur[int(parts[i])]
            i += 1
            continue
        # The longest run of parts that names a key (ids may hold dots).
        for j in range(len(parts), i, -1):
            k = ".".join(parts[i:j])
            if k in cur:
                cur = cur[k]
                i = j
                break
        else:
            raise KeyError(key)
    return cur


def fmt(x, dec):
    if x is None or not math.isfinite(x):
        return "n/a"
    s = f"{x:,.{dec}f}"
    if re.fullmatch(r"-[0,.]*", s):
        s = s[1:]
    return s


class Page(html.parser.HTMLParser):
    """Collects the number cells, charts, tables and sections."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells = []  # (scenario, key, data-value, text)
        self.charts = []  # (scenario, kind)
        self.tables = []  # (scenario, kind)
        self.scenario = None
        self.cell = None
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "section" and "data-scenario" in a:
            self.scenario = a["data-scenario"]
        elif tag == "section" or tag == "footer":
            self.scenario = None
        if tag == "svg":
            self.charts.append((self.scenario, a.get("data-chart")))
        if tag == "table":
            self.tables.append((self.scenario, a.get("data-table")))
        if tag == "td" and "data-value" in a:
            self.cell = [self.scenario, a.get("data-key"), a["data-value"], ""]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[3] += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.cells.append(tuple(self.cell))
            self.cell = None


def decimals(key):
    last = key.split(".")[-1]
    if last in ("bcr", "expected_bcr"):
        return 2
    if last.startswith("p_") or last == "p_b_better" or ".p_achieved_diff." in key:
        return 3
    if last.startswith("year_p"):
        return None
    if last == "bcr_undefined":
        return 0
    return 1


def check_cells(page, doc):
    seen = 0
    for scen, key, value, text in page.cells:
        if key is None:
            continue
        full = key if key.startswith("comparisons.") else f"scenarios.{scen}.{key}"
        try:
            want = lookup(doc, full)
        except (KeyError, IndexError, ValueError):
            fail(f"{full}: in the page but not in the summary")
            continue
        seen += 1
        got = float(value)
        if want is None:
            if not math.isnan(got) or text != "n/a":
                fail(f"{full}: summary null, page {value!r} / {text!r}")
            continue
        if got != float(want):
            fail(f"{full}: page data-value {value} != summary {want!r}")
        dec = decimals(full)
        shown = str(int(want)) if dec is None else fmt(float(want), dec)
        if text != shown:
            fail(f"{full}: page shows {text!r}, expected {shown!r}")
    return seen


def check_svgs(src):
    n = 0
    for m in re.finditer(r"<svg\b.*?</svg>", src, re.S):
        n += 1
        try:
            root = ET.fromstring(m.group(0))
        except ET.ParseError as e:
            fail(f"SVG {n} does not parse as XML: {e}")
            continue
        if root.tag != "{http://www.w3.org/2000/svg}svg":
            fail(f"SVG {n}: root element {root.tag}")
        texts = "".join(root.itertext())
        if root.find("{http://www.w3.org/2000/svg}title") is None:
            fail(f"SVG {n}: no <title>")
        if root.get("data-chart", "").endswith("histogram") and "paths" not in texts:
            fail(f"SVG {n}: histogram without its axis label")
    if n != src.count("<svg "):
        fail("unbalanced <svg> elements")
    return n


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    src = open(sys.argv[1], encoding="utf-8").read()
    doc = json.load(open(sys.argv[2], encoding="utf-8"))
    batch = "--expect-batch" in sys.argv[3:]
    page = Page()
    page.feed(src)

    for bad in ("<script", "<link", "<img", "<iframe", "url(", "@import", "src="):
        if bad in src:
            fail(f"the page holds {bad!r}: it must be self-contained")
    n_svg = check_svgs(src)
    n_cells = check_cells(page, doc)

    charts = set(page.charts)
    tables = set(page.tables)
    scenarios = doc["scenarios"]
    for name, s in scenarios.items():
        for t in ("headline",):
            if (name, t) not in tables:
                fail(f"{name}: no {t} table")
        if "dynamic" not in s:
            continue
        want = ["npv-histogram", "bcr-histogram", "fan-net_benefit", "fan-cumulative_npv",
                "decomposition-projects"]
        want += [f"fan-mission_{m}" for m in s.get("missions", {})]
        if batch:  # the demonstration models the economy and prevention
            want += ["fan-gdp", "fan-avoided_cost", "fan-debt_ratio_change", "fan-cost_cdel"]
        for k in want:
            if (name, k) not in charts:
                fail(f"{name}: no {k} chart")
        if s.get("missions") and (name, "missions") not in tables:
            fail(f"{name}: no missions table")
        if s.get("projects") and (name, "projects") not in tables:
            fail(f"{name}: no projects table")
        # Every headline figure of the issue is in the headline table.
        keys = {k for sc, k, _, _ in page.cells if sc == name and k}
        need = ["static.bcr", "dynamic.expected_bcr", "dynamic.p_bcr_above_1",
                "dynamic.metrics.npv.p5", "dynamic.metrics.npv.p50", "dynamic.metrics.npv.p95",
                "dynamic.expected_shortfall_5"]
        need += [f"missions.{m}.p_achieved" for m, v in s.get("missions", {}).items()
                 if v.get("p_achieved") is not None]
        for k in need:
            if k not in keys:
                fail(f"{name}: headline figure {k} missing")
    if (None, "provenance") not in tables:
        fail("no provenance table")
    if (None, "overview") not in tables:
        fail("no overview table")
    if doc.get("comparisons"):
        for t in ("comparisons", "comparison-missions"):
            if (None, t) not in tables:
                fail(f"no {t} table")
        if (None, "decomposition-scenarios") not in charts:
            fail("no decomposition-scenarios chart")
        for i in range(len(doc["comparisons"])):
            for f in ("npv_diff_mean", "npv_diff_se", "p_b_better", "exchequer_diff_mean"):
                if not any(k == f"comparisons.{i}.{f}" for _, k, _, _ in page.cells):
                    fail(f"comparison {i}: {f} missing")
    elif batch:
        fail("a batch without comparisons")
    if "paths" in doc and f">{doc['paths']}<" not in src:
        fail("the provenance does not give the number of paths")
    if "seed" in doc and f">{doc['seed']}<" not in src:
        fail("the provenance does not give the seed")

    for f in FAILS:
        print("check_report:", f, file=sys.stderr)
    print(f"check_report: {n_svg} SVGs, {n_cells} numbers checked, {len(FAILS)} problems")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
