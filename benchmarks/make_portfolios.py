#!/usr/bin/env python3
"""Generates the benchmark portfolios benchmarks/portfolios/{small,national,large}.yaml.

    python3 benchmarks/make_portfolios.py [OUTDIR]

Deterministic: the only randomness is a splitmix64 generator with a fixed
seed per portfolio (implemented here, so the output does not depend on the
Python version), and the files are rewritten byte for byte on every run.
The committed YAML files are this script's output; change the script and
rerun it rather than editing them.

Every portfolio switches every model feature on: links, unplanned
spillovers, regimes with state-dependent multipliers, crowding-in, tax and
debt, correlated inputs (Gaussian copula), prevention, spending-review cuts,
political churn and adaptive management.  Projects are drawn from eight
archetypes, taken in turn, so even the 10-project portfolio has one of each
(and two of the first two).  The parameters of each archetype cite the
project's reference notes (/work/shared/reference/facts.md: the Green Book,
Mott MacDonald 2002, Frontier Economics 2023, Scherer & Harhoff 2000, OBR
2010, Auerbach & Gorodnichenko 2012, Masters et al. 2017, Mission Critical);
sizes, timings and the other spreads are illustrative and drawn by the
generator.
"""
import os
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    """splitmix64 (Steele, Lea & Flood 2014): tiny, portable, deterministic."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self, lo, hi):
        return lo + (hi - lo) * ((self.next() >> 11) / float(1 << 53))

    def integer(self, lo, hi):
        """A whole number in [lo, hi]."""
        return lo + self.next() % (hi - lo + 1)


def num(x, digits=3):
    """A short, exact-enough decimal (YAML float or int)."""
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


MISSIONS = [
    ("warm-homes", "Warm, low-carbon homes", "million homes upgraded"),
    ("healthy-lives", "Healthy lives", "years of healthy life expectancy gained"),
    ("clean-power", "Clean power", "GW of low-carbon capacity connected"),
    ("innovation", "Innovation-led growth", "index of business R&D intensity"),
    ("safer-streets", "Safer streets", "thousand fewer serious crimes a year"),
]

# Each archetype: (key, name, kind, category).  What each means is
# in project() below, beside the numbers.
ARCHETYPES = [
    ("rd", "R&D challenge", "strategic", "RDEL"),
    ("sb", "Standard buildings programme", "tactical", "CDEL"),
    ("civil", "Non-standard civil engineering", "strategic", "CDEL"),
    ("nsb", "Non-standard buildings", "strategic", "CDEL"),
    ("prev", "Prevention service", "emblematic", "PDEL"),
    ("svc", "Outsourced service", "tactical", "RDEL"),
    ("data", "Data platform", "strategic", "RDEL"),
    ("foak", "First-of-a-kind demonstrator", "strategic", "CDEL"),
]


def profile(rng, years, lo, hi):
    """A hump-shaped spend profile of `years` build years, £m a year."""
    peak = rng.uniform(lo, hi)
    out = []
    for j in range(years):
        # Ramps up over the first half, down over the second.
        x = (j + 1) / (years + 1)
        shape = 0.5 + 0.5 * (1.0 - abs(2.0 * x - 1.0))
        out.append(round(peak * shape))
    return [max(v, 1) for v in out]


def project(rng, arch, pid, mission_name, start, horizon):
    """One project's YAML lines and its facts (for links and correlations)."""
    key, label, kind, cat = arch
    L = []
    info = {"id": pid, "arch": key, "category": cat, "stages": False,
            "uncertain_overrun": True, "benefits": True}
    if key == "rd":
        d = 4
        prof = profile(rng, d, 10, 40)
        total = sum(prof)
        med = 0.2 * total
        L += [f"cost: {{profile: {prof}, overrun: {{dist: lognormal, median: 1.05, p90: 1.5}},"
              f" optimism_bias: 0.5}}   # OB: equipment/development 200% upper bound, 75% mitigated (Mott MacDonald 2002)",
              "delay: {dist: poisson, mean: 0.5}",
              "stages: [{after: 2, p: 0.6}, {after: 4, p: 0.75}]",
              f"benefits: {{annual: {{dist: lognormal, median: {num(med)}, p90: {num(5 * med)}}},"
              f" lag: 1, ramp: 4, duration: 20, decay: 0.03}}"
              "   # 20% social return (Frontier Economics 2023); p90 5x median (Scherer & Harhoff 2000)",
              "spillovers: {rate: 0.1, value: {dist: lognormal, median: 0.5, p90: 5}, lag: 3, duration: 15, decay: 0.05}"
              "   # heavy tail (Scherer & Harhoff 2000)"]
        info["stages"] = True
    elif key == "sb":
        d = rng.integer(3, 5)
        prof = profile(rng, d, 40, 250)
        total = sum(prof)
        med = rng.uniform(0.08, 0.12) * total
        L += [f"cost: {{profile: {prof}, overrun: {{dist: lognormal, median: 1.05, p90: 1.24}},"
              f" optimism_bias: 0.24}}   # standard buildings capital upper bound 24% (Mott MacDonald 2002)",
              f"delay: {{dist: poisson, mean: {num(0.04 * d)}}}   # works duration upper bound 4% (Mott MacDonald 2002)",
              "stages: [{after: 2, p: 0.9}]",
              f"benefits: {{annual: {{dist: lognormal, median: {num(med)}, p90: {num(1.6 * med)}}}, ramp: 3, duration: 30}}"]
        info["stages"] = True
    elif key == "civil":
        d = rng.integer(4, 6)
        prof = profile(rng, d, 80, 300)
        total = sum(prof)
        med = rng.uniform(0.07, 0.1) * total
        L += [f"cost: {{profile: {prof}, overrun: {{dist: lognormal, median: 1.15, p90: 1.66}},"
              f" optimism_bias: 0.66}}   # non-standard civil engineering upper bound 66% (Mott MacDonald 2002)",
              f"delay: {{dist: poisson, mean: {num(0.25 * d)}}}   # works duration upper bound 25% (Mott MacDonald 2002)",
              "stages: [{after: 1, p: 0.8}, {after: 3, p: 0.85}]",
              f"benefits: {{annual: {{dist: lognormal, median: {num(med)}, p90: {num(2.2 * med)}}}, lag: 1, ramp: 5, duration: 40}}"]
        info["stages"] = True
    elif key == "nsb":
        d = 3
        prof = profile(rng, d, 40, 160)
        total = sum(prof)
        med = rng.uniform(0.09, 0.13) * total
        L += [f"cost: {{profile: {prof}, overrun: {{dist: lognormal, median: 1.1, p90: 1.51}},"
              f" optimism_bias: 0.51}}   # non-standard buildings upper bound 51% (Mott MacDonald 2002)",
              f"delay: {{dist: poisson, mean: {num(0.39 * d)}}}   # works duration upper bound 39% (Mott MacDonald 2002)",
              "stages: [{after: 1, p: 0.85}]",
              f"benefits: {{annual: {{dist: lognormal, median: {num(med)}, p90: {num(2.2 * med)}}}, type: saving, lag: 1, ramp: 3, duration: 30}}"]
        info["stages"] = True
    elif key == "prev":
        d = 5
        peak = rng.integer(10, 30)
        prof = [peak] * d
        total = sum(prof)
        # About 4:1 on the health gain alone at the median (local public
        # health median ROI 4.1:1, Masters et al. 2017) over 20 years.
        med = 4.0 * total / 20.0 * rng.uniform(0.8, 1.2)
        eff = rng.uniform(0.05, 0.3)
        L += [f"cost: {{profile: {prof}, overrun: {{dist: lognormal, median: 1.02, p90: 1.2}},"
              f" optimism_bias: 0.41}}   # outsourcing operating-spend upper bound 41% (Mott MacDonald 2002)",
              f"benefits: {{annual: {{dist: lognormal, median: {num(med)}, p90: {num(2 * med)}}}, type: health, ramp: 3, duration: 20}}"
              "   # ~4:1 (Masters et al. 2017, local median 4.1)",
              f"prevention: {{effect: {{dist: lognormal, median: {num(eff)}, p90: {num(2.5 * eff)}}},"
              f" lag: {rng.integer(1, 3)}, persistence: {num(rng.uniform(0.8, 0.9), 2)}}}"
              "   # avoided acute cost per £ of stock (illustrative, inside Masters et al. 2017)"]
    elif key == "svc":
        d = rng.integer(2, 3)
        peak = rng.integer(5, 20)
        prof = [peak] * d
        mean = 0.25 * peak * rng.uniform(0.8, 1.4)
        L += [f"cost: {{profile: {prof}, optimism_bias: 0.41}}   # outsourcing upper bound 41% (Mott MacDonald 2002)",
              f"benefits: {{annual: {{dist: normal, mean: {num(mean)}, sd: {num(0.35 * mean)}}}, duration: {rng.integer(5, 10)}}}"]
        info["uncertain_overrun"] = False
    elif key == "data":
        d = 4
        prof = profile(rng, d, 20, 60)
        total = sum(prof)
        med = rng.uniform(0.12, 0.18) * total
        L += [f"cost: {{profile: {prof}, overrun: {{dist: lognormal, median: 1.2, p90: 2.0}},"
              f" optimism_bias: 0.5}}   # equipment/development upper bound 200%, 75% mitigated (Mott MacDonald 2002)",
              "stages: [{after: 2, p: 0.7}, {after: 4, p: 0.8}]",
              f"benefits: {{annual: {{dist: lognormal, median: {num(med)}, p90: {num(4 * med)}}},"
              " lag: 1, ramp: 3, duration: 15, decay: 0.05}   # skewed (Scherer & Harhoff 2000)",
              "spillovers: {rate: 0.05, value: {dist: lognormal, median: 0.5, p90: 5}, lag: 2, duration: 10, decay: 0.1}"]
        info["stages"] = True
    else:  # foak
        d = 6
        prof = profile(rng, d, 150, 400)
        total = sum(prof)
        med = rng.uniform(0.06, 0.1) * total
        L += [f"cost: {{profile: {prof}, overrun: {{dist: lognormal, median: 1.3, p90: 2.5}},"
              f" optimism_bias: 1.0}}   # equipment/development upper bound 200%, half mitigated (Mott MacDonald 2002)",
              f"delay: {{dist: poisson, mean: {num(0.25 * d)}}}   # non-standard civil engineering 25% (Mott MacDonald 2002)",
              "stages: [{after: 2, p: 0.7}, {after: 4, p: 0.8}, {after: 6, p: 0.9}]",
              f"benefits: {{annual: {{dist: lognormal, median: {num(med)}, p90: {num(3 * med)}}}, lag: 1, ramp: 3, duration: 40}}",
              "spillovers: {rate: 0.005, value: {dist: lognormal, median: 1, p90: 10}, lag: 5, duration: 20, decay: 0.03}"]
        info["stages"] = True
    info["outcome"] = round(rng.uniform(0.05, 1.0), 2)
    head = [f"- id: {pid}",
            f"  name: {label} {pid.rsplit('-', 1)[1]} ({mission_name})",
            f"  kind: {kind}",
            f"  category: {cat}",
            f"  start: {start}"]
    body = ["  " + line for line in L] + [f"  outcome: {num(info['outcome'], 2)}"]
    info["build"] = d
    return head + body, info


HEADER = """\
# GENERATED by benchmarks/make_portfolios.py: do not edit; change the script
# and rerun it.  Benchmark portfolio `{name}`: {nm} missions, {np} projects,
# horizon {h} years.  It is a realistic-looking portfolio, not a real one.
#
# Every model feature is on: links, unplanned spillovers, two economic
# regimes with state-dependent multipliers, crowding-in, tax and debt,
# correlated inputs, prevention, spending-review cuts, political churn and
# adaptive management.  Project parameters come from eight archetypes whose
# optimism bias and overrun p90 are the Mott MacDonald (2002) upper bounds
# (Green Book supplementary guidance), R&D returns 20% social (Frontier
# Economics for DSIT 2023) with the heavy tail of Scherer & Harhoff (2000),
# prevention near the 4.1:1 local public health median (Masters et al.
# 2017); sizes and timings are illustrative draws of the generator.
# Money is £m in real {base} prices; years are calendar years.
"""

COMMON = """\
appraisal:
  discount: green_book           # STPR 3.5%, declining schedule (Green Book 5.35, A6)
  central: mean
  cost_savings: benefit
  include_spillovers: true       # social returns ~2x private (Frontier Economics 2023)
  include_wider_economy: false   # GDP, tax and debt are still computed on every path

economy:
  regimes:
    names: [slack, normal]
    initial: [0.3, 0.7]          # illustrative
    transition: [[0.6, 0.4], [0.15, 0.85]]   # illustrative: slack 27% of the time in the long run
  multipliers:                   # state dependent (Auerbach & Gorodnichenko 2012); mix ~ OBR 2010 (capital 1.0, current 0.6)
    CDEL:
      slack: {dist: lognormal, median: 1.6, p90: 2.4}
      normal: {dist: lognormal, median: 0.75, p90: 1.1}
    RDEL:
      slack: {dist: lognormal, median: 1.0, p90: 1.5}
      normal: {dist: lognormal, median: 0.45, p90: 0.7}
    profile: [0.5, 0.3, 0.2]     # illustrative
  crowding_in: {dist: triangular, min: 0, mode: 0.1, max: 0.3}   # direction: Deleidi & Mazzucato 2021; range illustrative
  tax_take: 0.35                 # illustrative: receipts about a third of GDP
  gdp: {level: 2800000, growth: 0.015}   # illustrative
  debt: {ratio: 0.95, interest: 0.04}    # illustrative

funding:
  churn: 0.03                    # Mission Critical, Principle 2 (16 housing ministers since 2010); 0.26 changes a year / 9
  spending_review: {every: 3, first: @FIRST_REVIEW@}   # three-year DELs (HMT SR2000)
  cuts:                          # RDEL/PDEL raided first (Demos & Health Foundation 2023); sizes illustrative
    applies_to: [RDEL, PDEL]
    probability: {slack: 0.5, normal: 0.15}
    fraction: 0.3
  ringfence: []

management:
  review_every: 3                # illustrative test-and-learn reviews
  signal_noise: 0.5
  stop_below: 1.0
"""


def portfolio(name, n_projects, horizon, seed, paths):
    rng = SplitMix64(seed)
    base = 2025
    per_mission = n_projects // len(MISSIONS)
    # Starts spread over the first quarter of the horizon (at most 12
    # years), leaving room for the build years.
    spread = min(12, horizon // 4)
    out = [HEADER.format(name=name, nm=len(MISSIONS), np=n_projects, h=horizon, base=base)]
    out.append(f"mpsim: 1\nname: {name}\n"
               f"description: Benchmark portfolio ({len(MISSIONS)} missions, {n_projects} projects, "
               f"horizon {horizon}), every model feature on.\n"
               f"base_year: {base}\nhorizon: {horizon}\n\n"
               f"simulation:\n  paths: {paths}\n  seed: {seed}\n\n")
    out.append(COMMON.replace("@FIRST_REVIEW@", str(base + 1)))
    mission_lines = ["", "missions:"]
    infos = []
    j = 0
    for mi, (mid, mname, indicator) in enumerate(MISSIONS):
        projs = []
        for k in range(per_mission):
            arch = ARCHETYPES[j % len(ARCHETYPES)]
            j += 1
            pid = f"{mid}-{arch[0]}-{k + 1:02d}"
            start = base + rng.integer(0, spread)
            lines, info = project(rng, arch, pid, mname, start, horizon)
            info["mission"] = mid
            infos.append(info)
            projs.append(lines)
        total_outcome = sum(i["outcome"] for i in infos if i["mission"] == mid)
        by = base + min(15, horizon - 1)
        mission_lines += [f"  - id: {mid}", f"    name: {mname}",
                          f"    # Indicator: {indicator} (illustrative target).",
                          f"    target: {{value: {num(0.6 * total_outcome, 2)}, by: {by}}}",
                          "    projects:"]
        for lines in projs:
            mission_lines += ["      " + line for line in lines]
    # Links: each R&D or data project de-risks and improves the next two
    # deployment projects of its mission (uplifts illustrative).
    links = []
    for i, src in enumerate(infos):
        if src["arch"] not in ("rd", "data"):
            continue
        # The mission's deployment projects, starting after this one in
        # file order (and wrapping round), so links spread over targets.
        order = infos[i + 1:] + infos[:i]
        targets = [t for t in order if t["mission"] == src["mission"]
                   and t["arch"] in ("sb", "civil", "foak", "nsb")]
        for t in targets[:2]:
            gate = num(rng.uniform(0.1, 0.3), 2) if t["stages"] else "0"
            links.append(f"  - {{from: {src['id']}, to: {t['id']}, gate_uplift: {gate}, "
                         f"benefit_uplift: {num(rng.uniform(0.02, 0.1), 2)}}}")
    # Correlations: overruns of consecutive capital projects of a mission
    # in disjoint pairs (same contractors and materials; rho illustrative),
    # so the matrix is block diagonal and positive definite; plus one
    # benefit level with the slack capital multiplier.
    corr = []
    for mid, _, _ in MISSIONS:
        capital = [i for i in infos if i["mission"] == mid and i["category"] == "CDEL"
                   and i["uncertain_overrun"]]
        for a, b in zip(capital[0::2], capital[1::2]):
            corr.append(f"  - {{a: missions.{mid}.projects.{a['id']}.cost.overrun, "
                        f"b: missions.{mid}.projects.{b['id']}.cost.overrun, rho: {num(rng.uniform(0.3, 0.6), 2)}}}")
    civil = next(i for i in infos if i["arch"] in ("civil", "foak"))
    corr.append(f"  - {{a: missions.{civil['mission']}.projects.{civil['id']}.benefits.annual, "
                f"b: economy.multipliers.CDEL.slack, rho: 0.3}}")
    out.append("\n# Correlated inputs (Gaussian copula); rho illustrative.\ncorrelations:\n")
    out.append("\n".join(corr) + "\n")
    out.append("\n# Planned spillovers between projects; uplifts illustrative.\nlinks:\n")
    out.append("\n".join(links) + "\n")
    out.append("\n".join(mission_lines) + "\n")
    return "".join(out)


PORTFOLIOS = [
    # name, projects, horizon, seed, default paths
    ("small", 10, 30, 101, 100000),
    ("national", 100, 60, 202, 100000),
    ("large", 300, 100, 303, 10000),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "portfolios")
    os.makedirs(outdir, exist_ok=True)
    for name, n, h, seed, paths in PORTFOLIOS:
        text = portfolio(name, n, h, seed, paths)
        path = os.path.join(outdir, name + ".yaml")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(path)


if __name__ == "__main__":
    main()
