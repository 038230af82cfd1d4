#!/usr/bin/env python3
"""MPI efficiency of `mpsim run` (issue 6): T(1 rank) / (K x T(K ranks)).

    benchmarks/mpi_efficiency.py [--ranks K] [--paths N] [--reps R]
                                 [--portfolio NAME] [--binary PATH]
                                 [--no-build] [--json FILE]

Builds a Release MPI binary in build/bench-mpi (-DMPSIM_MPI=ON) unless
--binary or --no-build says otherwise, then times whole runs of
benchmarks/portfolios/<portfolio>.yaml (default: national) under
`mpirun -np 1` and `mpirun -np K` (default K = 2), one OpenMP thread per
rank, interleaved so that a burst of load from another tenant hits both
alike, and reports the median of R runs each (default 3) and the
efficiency T1 / (K TK); the target of issue 6 is at least 0.9 for K = 2,
on a machine with K idle cores.  It also reports the ratio of CPU time
(user + system, of mpirun and every rank) of 1 rank to K ranks, the work
that distributing adds, which other tenants of a busy machine do not
distort, and the load average around the measurement.  With K = 2 it
also times a control, the same work as two independent processes of half
the paths each (no MPI): T1 / (2 Tcontrol) is what the machine allows
two processes at the time, 1 on two idle cores.
Each timing is the wall clock of the whole mpirun (start-up, simulation,
statistics, writing the file on rank 0); nothing is subtracted.  The runs'
--json summaries must agree exactly, or the script fails: the split over
ranks must not change the answer.

Prints one line per measurement and a summary; --json FILE also writes
{"portfolio", "paths", "ranks", "reps", "t1_s", "tk_s", "t1_all_s",
"tk_all_s", "efficiency", "cpu1_all_s", "cpuk_all_s", "cpu_ratio",
"loadavg", "control_all_s", "capacity", "host", "cpus", "date"} for the benchmark harness
(benchmarks/harness.py) to merge into its results.
"""
import argparse
import datetime
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(build_dir):
    """Configures and builds the Release MPI binary; returns its path."""
    subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                    "-DMPSIM_MPI=ON", "-DMPSIM_TESTS=OFF"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "--target", "mpsim", "-j",
                    str(os.cpu_count() or 2)], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(build_dir, "mpsim")


def mpirun():
    """The mpirun command, with what a small machine run as root needs."""
    exe = shutil.which("mpirun") or shutil.which("mpiexec")
    if exe is None:
        sys.exit("mpi_efficiency.py: mpirun not found (Debian: openmpi-bin)")
    # One core per rank when there are enough; --bind-to core keeps the
    # ranks from migrating onto each other.
    return [exe, "--oversubscribe", "--bind-to", "core"]


def timed_run(cmd, env, out_json):
    """Runs cmd; returns its wall-clock seconds and the CPU seconds (user +
    system) of mpirun and every rank; its stdout (the --json summary) goes
    to out_json."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with open(out_json, "w") as out:
        proc = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit("mpi_efficiency.py: %s failed (%d):\n%s"
                 % (" ".join(cmd), proc.returncode, proc.stderr))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def pair_run(binary, scenario, paths, env, tmp):
    """The control: the same work as one K-rank run, as two independent
    1-thread processes of paths / 2 each started together (no MPI);
    returns the wall-clock seconds until both are done."""
    procs = []
    start = time.monotonic()
    for i in range(2):
        cmd = [binary, "run", scenario, "--paths", str(paths // 2), "--threads", "1",
               "--quiet", "-o", os.path.join(tmp, "pair%d.h5" % i)]
        procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    for p in procs:
        if p.wait() != 0:
            sys.exit("mpi_efficiency.py: the control run failed")
    return time.monotonic() - start


def summary_without_version(path):
    with open(path) as f:
        doc = json.load(f)
    doc.pop("mpsim_version", None)
    return doc


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--paths", type=int, default=100000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--portfolio", default="national")
    ap.add_argument("--binary", help="an MPI build's mpsim (default: build it)")
    ap.add_argument("--no-build", action="store_true",
                    help="use build/bench-mpi/mpsim as it is")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args()

    binary = args.binary
    if binary is None:
        build_dir = os.path.join(ROOT, "build", "bench-mpi")
        binary = os.path.join(build_dir, "mpsim") if args.no_build else build(build_dir)
    if not os.access(binary, os.X_OK):
        sys.exit("mpi_efficiency.py: no executable at %s" % binary)
    scenario = os.path.join(ROOT, "benchmarks", "portfolios", args.portfolio + ".yaml")

    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMP_NUM_THREADS="1")
    times = {1: [], args.ranks: []}
    pair = []
    cpu = {1: [], args.ranks: []}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="mpsim-mpi-bench.") as tmp:
        summaries = {}
        for rep in range(args.reps):
            for np_ in (1, args.ranks):
                out_h5 = os.path.join(tmp, "np%d.h5" % np_)
                out_json = os.path.join(tmp, "np%d-%d.json" % (np_, rep))
                cmd = mpirun() + ["-np", str(np_), binary, "run", scenario,
                                  "--paths", str(args.paths), "--threads", "1", "--quiet",
                                  "--json", "-o", out_h5]
                t, c = timed_run(cmd, env, out_json)
                times[np_].append(t)
                cpu[np_].append(c)
                summaries[(np_, rep)] = summary_without_version(out_json)
                print("rep %d, %d rank(s): %.2f s wall, %.2f s CPU" % (rep + 1, np_, t, c),
                      flush=True)
            if args.ranks == 2:
                pair.append(pair_run(binary, scenario, args.paths, env, tmp))
                print("rep %d, control (two independent processes): %.2f s" % (rep + 1, pair[-1]),
                      flush=True)
        first = summaries[(1, 0)]
        for key, doc in summaries.items():
            if doc != first:
                sys.exit("mpi_efficiency.py: the summary of %d rank(s), rep %d differs from "
                         "1 rank's" % (key[0], key[1] + 1))

    t1 = statistics.median(times[1])
    tk = statistics.median(times[args.ranks])
    eff = t1 / (args.ranks * tk)
    # The CPU time ratio is the work the ranks add (start-up, gathers,
    # waiting at the end of a round); unlike the wall-clock efficiency it
    # holds even when other tenants keep cores busy.
    work = statistics.median(cpu[1]) / statistics.median(cpu[args.ranks])
    load_after = os.getloadavg()[0]
    # What the machine gives two processes at all: on two idle cores the
    # control takes T(1) / 2 and this is 1; other tenants lower it, and
    # the MPI efficiency with it.
    capacity = t1 / (2 * statistics.median(pair)) if pair else float("nan")
    print("%s, %d paths, 1 thread a rank: T(1) = %.2f s, T(%d) = %.2f s, "
          "efficiency T(1) / (%d T(%d)) = %.3f (target >= 0.9); CPU(1) / CPU(%d) = %.3f; "
          "load average %.1f before, %.1f after, on %d CPUs"
          % (args.portfolio, args.paths, t1, args.ranks, tk, args.ranks, args.ranks, eff,
             args.ranks, work, load_before, load_after, os.cpu_count() or 0))
    if pair:
        print("control: two independent processes of half the paths reach %.3f of the ideal "
              "speed-up, so the MPI run reaches %.3f of what this machine allows now"
              % (capacity, eff / capacity))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"portfolio": args.portfolio, "paths": args.paths, "ranks": args.ranks,
                       "reps": args.reps, "t1_s": t1, "tk_s": tk, "t1_all_s": times[1],
                       "tk_all_s": times[args.ranks], "efficiency": eff,
                       "cpu1_all_s": cpu[1], "cpuk_all_s": cpu[args.ranks],
                       "cpu_ratio": work, "loadavg": [load_before, load_after],
                       "control_all_s": pair, "capacity": capacity,
                       "host": socket.gethostname(), "cpus": os.cpu_count(),
                       "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
                      f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
