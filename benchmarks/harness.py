#!/usr/bin/env python3
"""The mpsim benchmark harness (benchmarks/README.md).

    benchmarks/run.sh [--quick] [--only LIST] [--reps N] [--threads LIST] [--no-build]

Builds a Release binary and the null model in build/bench, runs the
measurements of issue 5 side by side on this machine, prints a table with
the targets, and writes benchmarks/results/<date>-<host>[-quick].json with
the machine's description.  Timed figures are medians of --reps runs
(default 3), interleaved so that a burst of load from another tenant of a
shared machine hits every variant alike.  Nothing is subtracted from a
timing: each is a whole `mpsim run` (loading, simulating, statistics,
writing the results file) timed with the wall clock, and its CPU time and
peak RSS come from the child's rusage.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import profile_summary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORTFOLIO_DIR = os.path.join(ROOT, "benchmarks", "portfolios")
PORTFOLIOS = ["small", "national", "large"]
PARTS = ["throughput", "nullmodel", "parallel", "memory", "output", "variance", "mpi", "profile"]

# Paths per measurement.  --quick keeps the whole harness to about two
# minutes on 2 quiet cores; the full run follows the issue (10^7 paths for
# memory, 10^6 for the output cost) and takes about 20 minutes there.
CONFIG = {
    "quick": {
        "throughput": {"small": 20000, "national": 20000, "large": 2000},
        "nullmodel": {"small": 20000, "national": 5000, "large": 1000},
        # Just past the default exact-quantile budget of 10^6 paths, so
        # that the larger run streams as a run of 10^7 would.
        "memory": [100000, 1100000],
        "output": 100000,
        "variance": 20000,
        "profile": 5000,
    },
    "full": {
        "throughput": {"small": 200000, "national": 100000, "large": 10000},
        "nullmodel": {"small": 100000, "national": 20000, "large": 4000},
        "memory": [100000, 10000000],
        "output": 1000000,
        "variance": 100000,
        "profile": 20000,
    },
}

# Variance-reduction options without an argument, measured when `mpsim run
# --help` lists them.
VR_OPTIONS = ["--antithetic", "--lhs", "--latin-hypercube"]

TARGETS = {
    "national_paths_per_min": (">=", 1e6, "national paths per minute, all threads of T=2"),
    "engine_over_null": ("<=", 1.5, "engine time / null model time (national)"),
    "parallel_efficiency": (">=", 0.95, "T(1) / (2 T(2)) (national)"),
    "rss_ratio": ("<=", 1.1, "peak RSS at the larger path count / at 10^5"),
    "keep_paths_cost": ("<=", 1.05, "run time with --keep-paths / without"),
    "mpi_efficiency": (">=", 0.9, "T(1 rank) / (2 T(2 ranks)) (national, 1 thread a rank)"),
}


# ------------------------------------------------------------------ helpers

def log(msg):
    print(msg, file=sys.stderr, flush=True)


class RunError(Exception):
    pass


def run(cmd, capture=False):
    """Runs cmd; returns wall seconds, user+sys CPU seconds, peak RSS (KiB)
    and, with capture, its stdout.  Raises RunError on a non-zero exit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            raise RunError(f"{' '.join(cmd)} failed ({p.returncode}): "
                           + err.read().decode(errors="replace")[-2000:])
        out.seek(0)
        text = out.read().decode() if capture else None
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_kib": ru.ru_maxrss,
            "stdout": text}


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def portfolio_file(name):
    return os.path.join(PORTFOLIO_DIR, name + ".yaml")


def portfolio_size(name):
    """(projects, horizon) of a generated portfolio."""
    text = open(portfolio_file(name), encoding="utf-8").read()
    horizon = int(re.search(r"^horizon: (\d+)", text, re.M).group(1))
    projects = len(re.findall(r"^\s+category: ", text, re.M))
    return projects, horizon


class Runner:
    def __init__(self, build, tmp):
        self.mpsim = os.path.join(build, "mpsim")
        self.nullmodel = os.path.join(build, "benchmarks", "mpsim-nullmodel")
        self.tmp = tmp
        self.commands = []

    def mpsim_run(self, portfolio, paths, threads=None, extra=(), capture=False):
        out = os.path.join(self.tmp, "bench.h5")
        cmd = [self.mpsim, "run", portfolio_file(portfolio), "--quiet", "--paths", str(paths),
               "-o", out] + list(extra)
        if threads:
            cmd += ["--threads", str(threads)]
        shown = " ".join(["mpsim"] + cmd[1:]).replace(ROOT + "/", "").replace(out, "OUT.h5")
        if shown not in self.commands:
            self.commands.append(shown)
        r = run(cmd, capture)
        if os.path.exists(out):
            r["file_bytes"] = os.path.getsize(out)
            os.remove(out)
        return r


# ------------------------------------------------------------ measurements

def measure_throughput(R, cfg, reps, threads_list):
    """(a) paths/s and project-years/s per thread for each portfolio at one
    thread, and (c) national at every thread count."""
    res = {}
    runs = {p: [] for p in PORTFOLIOS}
    par = {t: [] for t in threads_list}
    for rep in range(reps):
        for p in PORTFOLIOS:
            if p == "national":
                for t in threads_list:
                    log(f"  throughput: national, {t} thread(s), run {rep + 1}/{reps}")
                    r = R.mpsim_run(p, cfg["throughput"][p], threads=t)
                    par[t].append(r)
                    if t == 1:
                        runs[p].append(r)
            else:
                log(f"  throughput: {p}, 1 thread, run {rep + 1}/{reps}")
                runs[p].append(R.mpsim_run(p, cfg["throughput"][p], threads=1))
    for p in PORTFOLIOS:
        n = cfg["throughput"][p]
        projects, horizon = portfolio_size(p)
        wall = median([r["wall_s"] for r in runs[p]])
        cpu = median([r["cpu_s"] for r in runs[p]])
        res[p] = {"paths": n, "projects": projects, "horizon": horizon, "threads": 1,
                  "wall_s": [r["wall_s"] for r in runs[p]], "median_wall_s": wall,
                  "median_cpu_s": cpu,
                  "paths_per_s_per_thread": n / wall,
                  "project_years_per_s_per_thread": n * projects * horizon / wall,
                  "cpu_us_per_path": 1e6 * cpu / n}
    n = cfg["throughput"]["national"]
    t1 = median([r["wall_s"] for r in par[threads_list[0]]]) if threads_list[0] == 1 else None
    c1 = median([r["cpu_s"] for r in par[threads_list[0]]]) if threads_list[0] == 1 else None
    parallel = {}
    for t in threads_list:
        tt = median([r["wall_s"] for r in par[t]])
        ct = median([r["cpu_s"] for r in par[t]])
        parallel[str(t)] = {"wall_s": [r["wall_s"] for r in par[t]], "median_wall_s": tt,
                            "median_cpu_s": ct,
                            "paths_per_min": 60.0 * n / tt,
                            "efficiency": t1 / (t * tt) if t1 else None,
                            # CPU(1) / CPU(T): work added by threading (spinning,
                            # merging), which load from other tenants does not blur
                            # as it blurs the wall clock.
                            "work_efficiency": c1 / ct if c1 else None}
    return res, {"portfolio": "national", "paths": n, "by_threads": parallel}


def measure_nullmodel(R, cfg, throughput):
    """(b) engine time / null model time, per portfolio."""
    res = {}
    for p in PORTFOLIOS:
        n = cfg["nullmodel"][p]
        log(f"  null model: {p}, {n} paths")
        cmd = [R.nullmodel, portfolio_file(p), "--paths", str(n)]
        R.commands.append(" ".join(["benchmarks/mpsim-nullmodel"] + cmd[1:]).replace(ROOT + "/", ""))
        r = json.loads(run(cmd, capture=True)["stdout"])
        if throughput and p in throughput:
            # The whole `mpsim run` (statistics and output included) per path,
            # in CPU time, against the null model's CPU time per path.
            r["run_cpu_us_per_path"] = throughput[p]["cpu_us_per_path"]
            r["run_over_null"] = throughput[p]["cpu_us_per_path"] / r["null_us_per_path"]
        res[p] = r
    return res


def measure_memory(R, cfg):
    """(d) peak RSS of national with default outputs."""
    res = {}
    for n in cfg["memory"]:
        log(f"  memory: national, {n} paths")
        r = R.mpsim_run("national", n)
        res[str(n)] = {"maxrss_kib": r["maxrss_kib"], "wall_s": r["wall_s"]}
    lo, hi = cfg["memory"]
    res["ratio"] = res[str(hi)]["maxrss_kib"] / res[str(lo)]["maxrss_kib"]
    res["paths"] = [lo, hi]
    return res


def measure_output(R, cfg, reps):
    """(e) run time with --keep-paths / without."""
    n = cfg["output"]
    plain, keep = [], []
    for rep in range(reps):
        log(f"  output cost: national, {n} paths, run {rep + 1}/{reps}")
        plain.append(R.mpsim_run("national", n))
        keep.append(R.mpsim_run("national", n, extra=["--keep-paths"]))
    tp = median([r["wall_s"] for r in plain])
    tk = median([r["wall_s"] for r in keep])
    return {"paths": n, "plain_wall_s": [r["wall_s"] for r in plain],
            "keep_wall_s": [r["wall_s"] for r in keep], "median_plain_s": tp,
            "median_keep_s": tk, "ratio": tk / tp,
            "keep_file_bytes": keep[-1].get("file_bytes"),
            "plain_file_bytes": plain[-1].get("file_bytes")}


def npv_se(text):
    doc = json.loads(text)
    sc = next(iter(doc["scenarios"].values()))
    m = sc["dynamic"]["metrics"]["npv"]
    return m["mean"], m["se"]


def measure_variance(R, cfg, help_text):
    """(f) variance-reduction factor of each option on national's NPV mean."""
    options = [o for o in VR_OPTIONS if re.search(re.escape(o) + r"\b", help_text)]
    if not options:
        return {"available": False,
                "note": "not available (mpsim run --help lists none of " + ", ".join(VR_OPTIONS) + ")"}
    n = cfg["variance"]
    log(f"  variance reduction: national, {n} paths, plain")
    base = R.mpsim_run("national", n, extra=["--json"], capture=True)
    mean0, se0 = npv_se(base["stdout"])
    res = {"available": True, "paths": n, "plain": {"npv_mean": mean0, "npv_se": se0,
                                                    "wall_s": base["wall_s"]}}
    for o in options:
        log(f"  variance reduction: national, {n} paths, {o}")
        r = R.mpsim_run("national", n, extra=["--json", o], capture=True)
        mean1, se1 = npv_se(r["stdout"])
        vrf = (se0 / se1) ** 2
        res[o.lstrip("-")] = {
            "npv_mean": mean1, "npv_se": se1, "wall_s": r["wall_s"],
            "variance_reduction_factor": vrf,
            # Per unit of run time rather than per path.
            "efficiency_gain": vrf * base["wall_s"] / r["wall_s"],
            "means_agree_4se": abs(mean1 - mean0) <= 4 * (se0 ** 2 + se1 ** 2) ** 0.5}
    return res


# --------------------------------------------------------------- the machine

def machine(build):
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    cache = open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8").read()
    cc = re.search(r"^CMAKE_C_COMPILER:\w+=(.*)$", cache, re.M)
    flags = re.search(r"^CMAKE_C_FLAGS_RELEASE:\w+=(.*)$", cache, re.M)
    compiler = "unknown"
    if cc:
        try:
            compiler = subprocess.run([cc.group(1), "--version"], capture_output=True,
                                      text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            pass

    def git(*a):
        try:
            return subprocess.run(["git", "-C", ROOT] + list(a), capture_output=True,
                                  text=True).stdout.strip()
        except OSError:
            return ""
    return {
        "host": socket.gethostname(),
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_bytes": mem,
        "os": platform.platform(),
        "compiler": compiler,
        "c_flags": flags.group(1) if flags else None,
        "build_type": "Release",
        "git_revision": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "mpsim_version": subprocess.run([os.path.join(build, "mpsim"), "--version"],
                                        capture_output=True, text=True).stdout.strip(),
        "python": platform.python_version(),
    }


# ------------------------------------------------------------------ report

def check(name, value):
    op, goal, _ = TARGETS[name]
    if value is None:
        return "n/a"
    ok = value >= goal if op == ">=" else value <= goal
    return "met" if ok else "MISSED"


def report(doc):
    rows = []
    tp = doc.get("throughput") or {}
    for p in PORTFOLIOS:
        if p in tp:
            t = tp[p]
            rows.append((f"throughput {p} ({t['paths']} paths, 1 thread)",
                         f"{t['paths_per_s_per_thread']:,.0f} paths/s, "
                         f"{t['project_years_per_s_per_thread'] / 1e6:,.1f} M project-years/s", "", ""))
    par = doc.get("parallel")
    if par:
        for t, v in par["by_threads"].items():
            eff = v["efficiency"]
            rows.append((f"national, {t} thread(s)", f"{v['paths_per_min']:,.0f} paths/min"
                         + (f", efficiency {eff:.3f} (CPU work {v['work_efficiency']:.3f})"
                            if eff is not None and t != "1" else ""), "", ""))
        t2 = par["by_threads"].get("2")
        if t2:
            rows.append(("national paths/min, 2 threads", f"{t2['paths_per_min']:,.0f}", ">= 1,000,000",
                         check("national_paths_per_min", t2["paths_per_min"])))
            rows.append(("parallel efficiency, 2 threads", f"{t2['efficiency']:.3f}", ">= 0.95",
                         check("parallel_efficiency", t2["efficiency"])))
    nm = doc.get("nullmodel")
    if nm:
        for p in PORTFOLIOS:
            if p in nm:
                v = nm[p]
                extra = (f"; whole run / null {v['run_over_null']:.2f}" if "run_over_null" in v else "")
                rows.append((f"engine / null, {p} ({v['paths']} paths)",
                             f"{v['ratio_cpu']:.2f} (CPU; wall {v['ratio_wall']:.2f}; "
                             f"{v['draws_per_path']:.0f} draws/path){extra}",
                             "<= 1.5" if p == "national" else "",
                             check("engine_over_null", v["ratio_cpu"]) if p == "national" else ""))
    mem = doc.get("memory")
    if mem:
        lo, hi = mem["paths"]
        rows.append((f"peak RSS, national, {lo:.0e} / {hi:.0e} paths",
                     f"{mem[str(lo)]['maxrss_kib'] / 1024:.1f} / {mem[str(hi)]['maxrss_kib'] / 1024:.1f} MiB,"
                     f" ratio {mem['ratio']:.3f}", "<= 1.1 (10^7 / 10^5)", check("rss_ratio", mem["ratio"])))
    out = doc.get("output")
    if out:
        rows.append((f"--keep-paths cost, national, {out['paths']:.0e} paths", f"{out['ratio']:.3f}",
                     "<= 1.05", check("keep_paths_cost", out["ratio"])))
    mp = doc.get("mpi")
    if mp:
        rows.append((f"MPI efficiency, national, {mp['paths']:.0e} paths, 1 vs {mp['ranks']} ranks",
                     f"{mp['efficiency']:.3f} (CPU ratio {mp['cpu_ratio']:.3f}"
                     + (f"; machine allows {mp['capacity']:.3f}" if mp.get("capacity") else "") + ")",
                     ">= 0.9", check("mpi_efficiency", mp["efficiency"])))
    vr = doc.get("variance")
    if vr is not None:
        if not vr.get("available"):
            rows.append(("variance reduction (national NPV mean)", "not available", "", ""))
        for k, v in vr.items():
            if isinstance(v, dict) and "variance_reduction_factor" in v:
                rows.append((f"variance reduction, {k}",
                             f"{v['variance_reduction_factor']:.2f} (per unit time {v['efficiency_gain']:.2f})",
                             "reported", ""))
    w = max(len(r[0]) for r in rows) if rows else 10
    w2 = max(len(r[1]) for r in rows) if rows else 10
    print(f"\n{'measure':<{w}}  {'value':<{w2}}  {'target':<22} status")
    for r in rows:
        print(f"{r[0]:<{w}}  {r[1]:<{w2}}  {r[2]:<22} {r[3]}")
    pr = doc.get("profile")
    if pr and pr.get("categories"):
        print(f"\nwhere the time goes (national, {pr['paths']} paths, 1 thread; {pr['tool']}):")
        for c, share in pr["categories"].items():
            print(f"  {share:6.1%}  {c}")
        print("top functions (self time):")
        for f in pr["top"][:10]:
            print(f"  {f['share']:6.1%}  {f['function']} ({f['library']})")
    elif pr:
        print(f"\nno profile: {pr.get('error')}")


# -------------------------------------------------------------------- main

def measure_mpi(build, reps, quick, no_build):
    """benchmarks/mpi_efficiency.py (its own Release MPI build beside the
    serial one), run as a child so that a machine without MPI loses only
    this part."""
    out = os.path.join(tempfile.mkdtemp(prefix="mpsim-bench-mpi-"), "mpi.json")
    cmd = [sys.executable, os.path.join(ROOT, "benchmarks", "mpi_efficiency.py"),
           "--reps", str(reps), "--paths", "100000" if quick else "400000", "--json", out]
    mpi_build = os.path.join(os.path.dirname(build), "bench-mpi")
    if no_build:
        cmd += ["--no-build", "--binary", os.path.join(mpi_build, "mpsim")]
    log("  mpi: national, 1 and 2 ranks (" + " ".join(cmd[2:]) + ")")
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RunError(f"mpi_efficiency.py exited {r.returncode}")
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    shutil.rmtree(os.path.dirname(out), ignore_errors=True)
    return doc


def build_all(build):
    log(f"building a Release binary and the null model in {os.path.relpath(build, ROOT)}")
    subprocess.run(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                    "-DMPSIM_TESTS=OFF", "-DMPSIM_BENCHMARKS=ON"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build, "--target", "mpsim", "mpsim-nullmodel",
                    "mpsim-nullmodel-record", "-j", str(os.cpu_count() or 2)], check=True,
                   stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer paths: about 2 minutes on 2 quiet cores")
    ap.add_argument("--only", default=",".join(PARTS), help="comma-separated: " + ",".join(PARTS))
    ap.add_argument("--reps", type=int, default=3, help="runs per timing (median; at least 3)")
    ap.add_argument("--threads", default=None,
                    help="thread counts for parallel efficiency (default 1..number of cores)")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--no-build", action="store_true", help="use the existing build")
    ap.add_argument("--output", default=None, help="results file (default benchmarks/results/...)")
    args = ap.parse_args()
    mode = "quick" if args.quick else "full"
    cfg = CONFIG[mode]
    parts = [p for p in args.only.split(",") if p]
    for p in parts:
        if p not in PARTS:
            sys.exit(f"harness: unknown part '{p}' (parts: {', '.join(PARTS)})")
    build = os.path.abspath(args.build_dir)
    if not args.no_build:
        build_all(build)
    ncores = len(os.sched_getaffinity(0))
    threads_list = ([int(t) for t in args.threads.split(",")] if args.threads
                    else list(range(1, ncores + 1)))
    if threads_list[0] != 1:
        threads_list.insert(0, 1)

    tmp = tempfile.mkdtemp(prefix="mpsim-bench-")
    R = Runner(build, tmp)
    started = datetime.datetime.now(datetime.timezone.utc)
    doc = {"format": "mpsim-benchmark", "format_version": 1, "mode": mode,
           "started": started.isoformat(timespec="seconds"),
           "machine": machine(build), "load_average_start": os.getloadavg(),
           "reps": args.reps, "config": cfg}
    help_text = subprocess.run([R.mpsim, "run", "--help"], capture_output=True,
                               text=True).stdout
    steps = [
        ("throughput", lambda: measure_throughput(R, cfg, args.reps, threads_list)),
        ("nullmodel", lambda: measure_nullmodel(R, cfg, doc.get("throughput"))),
        ("memory", lambda: measure_memory(R, cfg)),
        ("output", lambda: measure_output(R, cfg, args.reps)),
        ("variance", lambda: measure_variance(R, cfg, help_text)),
        ("mpi", lambda: measure_mpi(build, args.reps, args.quick, args.no_build)),
        ("profile", lambda: profile_summary.profile(R.mpsim, portfolio_file("national"),
                                                    cfg["profile"], tmp)),
    ]
    errors = {}
    try:
        for name, step in steps:
            if name not in parts and not (name == "throughput" and "parallel" in parts):
                continue
            if name == "profile":
                log("  profile: national, 1 thread")
            try:
                value = step()
            except RunError as e:
                # One failed measurement does not lose the others.
                log(f"harness: {name} failed: {e}")
                errors[name] = str(e)
                continue
            if name == "throughput":
                doc["throughput"], doc["parallel"] = value
            else:
                doc[name] = value
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if errors:
        doc["errors"] = errors
    doc["load_average_end"] = os.getloadavg()
    doc["elapsed_s"] = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    doc["commands"] = R.commands
    if args.output:
        path = args.output
    else:
        stamp = started.strftime("%Y-%m-%d")
        host = re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname())
        path = os.path.join(ROOT, "benchmarks", "results",
                            f"{stamp}-{host}{'-quick' if mode == 'quick' else ''}.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    report(doc)
    print(f"\nload average {doc['load_average_start'][0]:.2f} at the start, "
          f"{doc['load_average_end'][0]:.2f} at the end; {doc['elapsed_s']:.0f} s in all")
    # Only the load before the harness started is other tenants' alone.
    busy = doc["load_average_start"][0]
    if busy > 0.5 * ncores:
        print(f"warning: the machine was busy (load average {busy:.1f} on {ncores} cores at the start):"
              " wall-clock figures, above all the parallel ones, understate the engine;"
              " the CPU-time figures are the more reliable")
    print(f"written: {os.path.relpath(path, ROOT)}")
    if errors:
        sys.exit("harness: some measurements failed: " + ", ".join(errors))


if __name__ == "__main__":
    main()
