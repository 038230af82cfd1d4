"""Where the engine's time goes: a flat profile of one `mpsim run`, grouped.

Used by harness.py.  Prefers `perf record` with the software cpu-clock event
(it works in virtual machines without hardware counters); falls back to
valgrind's callgrind (instruction counts, about 50x slower, so on fewer
paths).  Functions are grouped by what they do, from their names and the
library they live in; the grouping is a heuristic, and the top functions are
kept as they are so that a reader can check it.
"""
import os
import re
import shutil
import subprocess

# (group, pattern on "library symbol"), first match wins.
GROUPS = [
    ("random numbers: Philox and stream seats",
     r"philox|mps_rng_seat|mps_uniform_at|mps_stream|gsl_rng_|mps_bits53"),
    ("random numbers: distribution sampling",
     r"mps_dist_sample|gsl_ran_|ziggurat|mps_triangular_inv"),
    ("maths library (exp, log, pow, erf, inverse CDFs)",
     r"libm[.-]|\b(exp|log|pow|sqrt|erf|expm1|log1p)\w*\b|gsl_cdf|gsl_sf|ieee754|mps_dist_quantile|mps_beta_quantile"),
    ("statistics, quantiles and fan charts",
     r"acc|stat|quant|sketch|fan|hist|welford|summar|estimate|sort|qsort|msort"),
    ("results output (HDF5, deflate)", r"libhdf5|libz|libsz|H5|deflate"),
    ("memory and string functions (libc)", r"mem(set|cpy|move)|libc[.-]|malloc|free"),
    ("operating system (kernel)", r"\[k\]|kernel"),
    ("run driver (OpenMP loop, block reductions)", r"_omp_fn|libgomp|GOMP_|mps_run_|drive"),
    ("model kernel", r"mps_|mpsim"),
]


def group_of(dso, sym):
    key = f"{dso} {sym}"
    for name, pat in GROUPS:
        if re.search(pat, key):
            return name
    return "other"


def summarise(rows, tool, paths, command):
    """rows: (share, library, symbol); returns the JSON record."""
    total = sum(s for s, _, _ in rows) or 1.0
    cats = {}
    for s, dso, sym in rows:
        g = group_of(dso, sym)
        cats[g] = cats.get(g, 0.0) + s / total
    cats = dict(sorted(cats.items(), key=lambda kv: -kv[1]))
    top = [{"share": s / total, "library": dso, "function": sym, "group": group_of(dso, sym)}
           for s, dso, sym in sorted(rows, key=lambda r: -r[0])[:25]]
    return {"tool": tool, "paths": paths, "command": command, "categories": cats, "top": top}


def perf_works():
    if not shutil.which("perf"):
        return False
    try:
        r = subprocess.run(["perf", "record", "-e", "cpu-clock", "-o", os.devnull, "true"],
                           capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def profile_perf(mpsim, scenario, paths, tmp):
    data = os.path.join(tmp, "perf.data")
    out = os.path.join(tmp, "profile.h5")
    cmd = [mpsim, "run", scenario, "--quiet", "--paths", str(paths), "--threads", "1", "-o", out]
    subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "4999", "-o", data, "--"]
                   + cmd, check=True, capture_output=True)
    rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                          "--sort", "dso,symbol", "--percent-limit", "0.05"],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in rep.splitlines():
        m = re.match(r"^\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.+?)\s*$", line)
        if m:
            dso = m.group(2) + (" [k]" if m.group(3) == "k" else "")
            # Some perf versions add "-  -" columns (no source line) after the symbol.
            rows.append((float(m.group(1)), dso, re.sub(r"(\s+-)+$", "", m.group(4))))
    return summarise(rows, "perf record -e cpu-clock (flat, self time)", paths,
                     "perf record -e cpu-clock -F 4999 -- mpsim run national.yaml --threads 1 "
                     f"--paths {paths}")


def profile_callgrind(mpsim, scenario, paths, tmp):
    paths = min(paths, 500)
    data = os.path.join(tmp, "callgrind.out")
    out = os.path.join(tmp, "profile.h5")
    cmd = [mpsim, "run", scenario, "--quiet", "--paths", str(paths), "--threads", "1", "-o", out]
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={data}"] + cmd,
                   check=True, capture_output=True)
    rep = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=99.9", data],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in rep.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S+?):(\S+)(?:\s+\[(.+)\])?\s*$", line)
        if m:
            rows.append((float(m.group(2)), os.path.basename(m.group(5) or m.group(3)),
                         m.group(4)))
    return summarise(rows, "valgrind --tool=callgrind (instructions, self)", paths,
                     f"valgrind --tool=callgrind mpsim run national.yaml --threads 1 --paths {paths}")


def profile(mpsim, scenario, paths, tmp):
    """The grouped profile, or a record saying why there is none."""
    try:
        if perf_works():
            return profile_perf(mpsim, scenario, paths, tmp)
        if shutil.which("valgrind") and shutil.which("callgrind_annotate"):
            return profile_callgrind(mpsim, scenario, paths, tmp)
    except (OSError, subprocess.CalledProcessError) as e:
        return {"tool": None, "error": str(e)}
    return {"tool": None, "error": "neither perf nor valgrind is available"}
