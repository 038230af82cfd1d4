#!/usr/bin/env python3
"""The results file read from Python: h5py and xarray agree with `--json`.

usage: test_read_results.py MPSIM_BINARY SOURCE_DIR

Runs the demonstration batch (1,000 paths), then checks that the file read
with h5py and with xarray (netCDF-4 engine, through the dimension scales)
gives exactly the numbers of `mpsim show --json` (summary statistics,
headline scalars, missions, projects, comparisons), that the time series
xarray sees are the HDF5 datasets and the rows of `mpsim export --csv`, and
that examples/read_results.py (and examples/read_results.R where R and
hdf5r are installed) run on it.  Exits 77 when h5py, xarray or netCDF4 is
missing (Debian: python3-h5py python3-xarray python3-netcdf4).
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

try:
    import h5py
    import numpy as np
    import xarray as xr
    import netCDF4  # noqa: F401  (the engine xarray needs)
except ImportError as e:
    print(f"test_read_results.py: {e}; skipped", file=sys.stderr)
    sys.exit(77)

MPSIM = SRC = WORK = None
H5 = DOC = None


def same(testcase, got, want, what):
    """Exact equality, with NaN in the file standing for null in JSON."""
    if want is None:
        testcase.assertTrue(math.isnan(float(got)), f"{what}: {got} where JSON has null")
    else:
        testcase.assertEqual(float(got), float(want), what)


def setUpModule():
    global WORK, H5, DOC
    WORK = tempfile.mkdtemp(prefix="mpsim-py.")
    H5 = os.path.join(WORK, "batch.h5")
    subprocess.run([MPSIM, "run", "--paths", "1000", "--quiet", "-o", H5], check=True,
                   stdout=subprocess.DEVNULL, cwd=WORK)
    out = subprocess.run([MPSIM, "show", H5, "--json"], check=True, capture_output=True,
                         cwd=WORK)
    DOC = json.loads(out.stdout)
    subprocess.run([MPSIM, "export", H5, "--csv", os.path.join(WORK, "csv"), "--quiet"],
                   check=True, cwd=WORK)


def tearDownModule():
    shutil.rmtree(WORK, ignore_errors=True)


def order(group):
    return [x.decode() if isinstance(x, bytes) else x for x in group.attrs["order"]]


class H5pyReads(unittest.TestCase):
    def test_root_and_order(self):
        with h5py.File(H5, "r") as f:
            self.assertEqual(f.attrs["format"].decode(), "mpsim-results")
            self.assertEqual(int(f.attrs["format_version"]), 1)
            self.assertEqual(int(f.attrs["paths"]), DOC["paths"])
            self.assertEqual(int(f.attrs["seed"]), DOC["seed"])
            self.assertEqual(order(f["scenarios"]), list(DOC["scenarios"]))
            self.assertEqual(len(DOC["scenarios"]), 4)

    def test_scenarios_match_json(self):
        with h5py.File(H5, "r") as f:
            for name, s in DOC["scenarios"].items():
                g = f["scenarios"][name]
                for k, v in s["static"].items():
                    same(self, g["static"][k][()], v, f"{name} static {k}")
                dyn = s["dynamic"]
                for k in ("expected_bcr", "p_bcr_above_1", "p_npv_negative",
                          "expected_shortfall_5", "bcr_undefined"):
                    same(self, g["dynamic"][k][()], dyn[k], f"{name} {k}")
                metrics = list(g["summary/metric"].asstr()[:])
                stats = list(g["summary/statistic"].asstr()[:])
                values = g["summary/values"][:]
                self.assertEqual(metrics, list(dyn["metrics"]))
                for m, row in dyn["metrics"].items():
                    for st, v in row.items():
                        same(self, values[metrics.index(m), stats.index(st)], v,
                             f"{name} {m} {st}")
                ids = list(g["missions/mission"].asstr()[:])
                for m, v in s["missions"].items():
                    same(self, g["missions/p_achieved"][ids.index(m)], v["p_achieved"],
                         f"{name} mission {m}")
                pids = list(g["projects/project"].asstr()[:])
                for p, v in s["projects"].items():
                    for k, x in v.items():
                        same(self, g["projects"][k][pids.index(p)], x, f"{name} {p} {k}")

    def test_comparisons_match_json(self):
        with h5py.File(H5, "r") as f:
            comps = f["comparisons"]
            names = order(comps)
            self.assertEqual(len(names), len(DOC["comparisons"]))
            for gname, c in zip(names, DOC["comparisons"]):
                g = comps[gname]
                self.assertEqual(g.attrs["a"].decode(), c["a"])
                self.assertEqual(g.attrs["b"].decode(), c["b"])
                for k in ("npv_diff_mean", "npv_diff_sd", "npv_diff_se", "p_b_better",
                          "exchequer_diff_mean", "exchequer_diff_se"):
                    same(self, g[k][()], c[k], f"{gname} {k}")


class XarrayReads(unittest.TestCase):
    def test_summary(self):
        for name, s in DOC["scenarios"].items():
            with xr.open_dataset(H5, group=f"scenarios/{name}/summary",
                                 engine="netcdf4") as ds:
                self.assertEqual(ds["values"].dims, ("metric", "statistic"))
                for m, row in s["dynamic"]["metrics"].items():
                    for st, v in row.items():
                        same(self, ds["values"].sel(metric=m, statistic=st).item(), v,
                             f"{name} {m} {st}")

    def test_timeseries(self):
        rows = {}
        with open(os.path.join(WORK, "csv", "timeseries.csv"), newline="") as fh:
            for r in csv.DictReader(fh):
                rows[(r["scenario"], r["series"], int(r["year"]))] = r
        for name in DOC["scenarios"]:
            with xr.open_dataset(H5, group=f"scenarios/{name}", engine="netcdf4") as top, \
                    xr.open_dataset(H5, group=f"scenarios/{name}/timeseries",
                                    engine="netcdf4") as ts, \
                    h5py.File(H5, "r") as f:
                years = top["years"].values
                levels = top["quantiles"].values
                ts = ts.assign_coords(years=years, quantiles=levels)
                series = order(f[f"scenarios/{name}/timeseries"])
                self.assertIn("net_benefit", series)
                self.assertIn("cumulative_npv", series)
                for v in series:
                    band = ts[v].load()
                    self.assertEqual(band.dims, ("years", "quantiles"))
                    raw = f[f"scenarios/{name}/timeseries/{v}"][:]
                    np.testing.assert_array_equal(band.values, raw)
                    mean = ts[f"{v}_mean"].values
                    for i, y in enumerate(years):
                        r = rows[(name, v, int(y))]
                        same(self, mean[i], r["mean"] or None, f"{name} {v} {y} mean")
                        for q, lv in enumerate(levels):
                            col = f"p{100 * lv:g}"
                            want = r[col]
                            same(self, band.sel(years=y, quantiles=lv).item(),
                                 float(want) if want else None, f"{name} {v} {y} {col}")

    def test_missions(self):
        for name, s in DOC["scenarios"].items():
            with xr.open_dataset(H5, group=f"scenarios/{name}/missions",
                                 engine="netcdf4") as ds:
                for m, v in s["missions"].items():
                    same(self, ds["p_achieved"].sel(mission=m).item(), v["p_achieved"],
                         f"{name} {m}")


class Examples(unittest.TestCase):
    def test_python_example(self):
        out = subprocess.run([sys.executable, os.path.join(SRC, "examples", "read_results.py"),
                              H5], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        first = next(iter(DOC["scenarios"]))
        p50 = DOC["scenarios"][first]["dynamic"]["metrics"]["npv"]["p50"]
        self.assertIn(f"{p50:.1f}", out.stdout)

    def test_r_example(self):
        rscript = shutil.which("Rscript")
        if rscript is None or subprocess.run(
                [rscript, "-e", "library(hdf5r)"], capture_output=True).returncode != 0:
            self.skipTest("no R with hdf5r (Debian r-cran-hdf5r)")
        out = subprocess.run([rscript, os.path.join(SRC, "examples", "read_results.R"), H5],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        first = next(iter(DOC["scenarios"]))
        p50 = DOC["scenarios"][first]["dynamic"]["metrics"]["npv"]["p50"]
        self.assertIn(f"{p50:.1f}", out.stdout)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    MPSIM, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    result = unittest.main(argv=sys.argv[:1], exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
