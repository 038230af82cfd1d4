#!/usr/bin/env python3
"""Reading an mpsim results file from Python (docs/results-format.md).

usage: python3 examples/read_results.py [results/baseline.h5] [SCENARIO]

Shows the two ways in: h5py for the file as it is (attributes, the run's
order of scenarios, scalars), and xarray (netCDF-4 engine) for labelled
tables - the summary statistics, a time series' fan-chart bands, the
missions - which convert to pandas DataFrames.  Needs h5py, xarray,
netCDF4 and pandas (Debian: python3-h5py python3-xarray python3-netcdf4
python3-pandas).
"""
import sys

import h5py
import xarray as xr


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "results/baseline.h5"

    # --- h5py: the file as written.  String attributes are fixed-length
    # (bytes: decode them); string datasets are variable-length (.asstr()).
    with h5py.File(path, "r") as f:
        assert f.attrs["format"].decode() == "mpsim-results"
        print(f"{path}: format version {int(f.attrs['format_version'])}, "
              f"mpsim {f.attrs['mpsim_version'].decode()}")
        # The run's order (the first scenario is the comparisons' baseline).
        order = list(f["scenarios"].attrs["order"])
        order = [o.decode() if isinstance(o, bytes) else o for o in order]
        if "paths" in f.attrs:
            print(f"{int(f.attrs['paths'])} paths, seed {int(f.attrs['seed'])}")
        for name in order:
            s = f["scenarios"][name]
            line = f"  {name}: static BCR {s['static/bcr'][()]:.2f}"
            if s.attrs["has_dynamic"]:
                line += (f", expected BCR {s['dynamic/expected_bcr'][()]:.2f}, "
                         f"P(BCR > 1) {s['dynamic/p_bcr_above_1'][()]:.3f}")
            print(line)
        comps = f["comparisons"] if "comparisons" in f else None
        corder = [c.decode() if isinstance(c, bytes) else c
                  for c in (comps.attrs.get("order", []) if comps is not None else [])]
        for g in (comps[c] for c in corder):
            print(f"  {g.attrs['b'].decode()} - {g.attrs['a'].decode()}: mean NPV difference "
                  f"{g['npv_diff_mean'][()]:.1f} +/- {g['npv_diff_se'][()]:.1f} GBP m")
        has_dynamic = bool(f["scenarios"][order[0]].attrs["has_dynamic"])

    name = sys.argv[2] if len(sys.argv) > 2 else order[0]
    if not has_dynamic:
        return 0
    group = f"scenarios/{name}"

    # --- xarray: every dimension has an HDF5 dimension scale, so each group
    # opens as a labelled Dataset.
    with xr.open_dataset(path, group=f"{group}/summary", engine="netcdf4") as summary:
        values = summary["values"].load()  # [metric, statistic]
        print(f"\n{name}: NPV P5 / P50 / P95 (GBP m):",
              " / ".join(f"{values.sel(metric='npv', statistic=q).item():.1f}"
                         for q in ("p5", "p50", "p95")))
        table = values.to_pandas()  # a DataFrame: metrics by statistics
        print(table.loc[["npv", "bcr", "pv_benefits", "pvc"], ["mean", "p5", "p50", "p95"]])

    # Time series: the scales `years` and `quantiles` live one group up.
    with xr.open_dataset(path, group=group, engine="netcdf4") as top, \
            xr.open_dataset(path, group=f"{group}/timeseries", engine="netcdf4") as ts:
        ts = ts.assign_coords(years=top["years"].values, quantiles=top["quantiles"].values)
        fan = ts["net_benefit"].load()  # [years, quantiles], GBP m a year
        print(f"\n{name}: net benefit, {fan.attrs.get('units', '')}; first years:")
        print(fan.to_pandas().head())

    with xr.open_dataset(path, group=f"{group}/missions", engine="netcdf4") as m:
        print(f"\n{name}: missions")
        print(m[["name", "p_achieved", "target_by"]].load().to_dataframe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
