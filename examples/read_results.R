# Reading an mpsim results file from R with hdf5r (docs/results-format.md).
#
# usage: Rscript examples/read_results.R [results/baseline.h5] [SCENARIO]
#
# Needs the hdf5r package (Debian: r-cran-hdf5r).  hdf5r returns arrays with
# their dimensions in R's (column-major) order, the reverse of the file's:
# summary/values, [metric, statistic] in the file, reads as a
# statistic x metric matrix, and a time series [years, quantiles] as
# quantiles x years.  Transposing and naming the dimensions from the
# dimension scales gives the tables as the file describes them.
suppressPackageStartupMessages(library(hdf5r))

args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "results/baseline.h5"
f <- H5File$new(path, mode = "r")
stopifnot(h5attr(f, "format") == "mpsim-results")
cat(sprintf("%s: format version %d, mpsim %s\n", path, h5attr(f, "format_version"),
            h5attr(f, "mpsim_version")))

# The run's order of scenarios: the first is the comparisons' baseline.
order <- h5attr(f[["scenarios"]], "order")
dynamic <- h5attr(f[["scenarios"]][[order[1]]], "has_dynamic") == 1
if (dynamic) {
  cat(sprintf("%s paths, seed %s\n", format(h5attr(f, "paths")), format(h5attr(f, "seed"))))
}

headline <- do.call(rbind, lapply(order, function(name) {
  s <- f[["scenarios"]][[name]]
  row <- data.frame(scenario = name, static_bcr = s[["static/bcr"]]$read(),
                    static_npv = s[["static/npv"]]$read())
  if (dynamic) {
    row$expected_bcr <- s[["dynamic/expected_bcr"]]$read()
    row$p_bcr_above_1 <- s[["dynamic/p_bcr_above_1"]]$read()
  }
  row
}))
print(headline, row.names = FALSE)

name <- if (length(args) >= 2) args[2] else order[1]
if (dynamic) {
  s <- f[["scenarios"]][[name]]

  # Summary statistics: a metric x statistic matrix, GBP m (bcr and
  # debt_ratio_change_end are ratios).
  values <- t(s[["summary/values"]]$read())
  dimnames(values) <- list(s[["summary/metric"]]$read(), s[["summary/statistic"]]$read())
  cat(sprintf("\n%s: NPV P5 / P50 / P95 (GBP m): %.1f / %.1f / %.1f\n", name,
              values["npv", "p5"], values["npv", "p50"], values["npv", "p95"]))
  print(round(values[c("npv", "bcr", "pv_benefits", "pvc"), c("mean", "p5", "p50", "p95")], 3))

  # A time series: years x quantiles (fan-chart bands), GBP m a year.
  fan <- t(s[["timeseries/net_benefit"]]$read())
  dimnames(fan) <- list(s[["years"]]$read(), s[["quantiles"]]$read())
  cat(sprintf("\n%s: net benefit (%s), first years\n", name,
              h5attr(s[["timeseries/net_benefit"]], "units")))
  print(head(fan))

  # Missions: one row each.
  m <- s[["missions"]]
  missions <- data.frame(mission = m[["mission"]]$read(), name = m[["name"]]$read(),
                         p_achieved = m[["p_achieved"]]$read(),
                         target_by = m[["target_by"]]$read())
  cat(sprintf("\n%s: missions\n", name))
  print(missions, row.names = FALSE)

  # Comparisons with the baseline, in the run's order.
  # (A single scenario has an empty /comparisons group, whose empty `order`
  # attribute hdf5r cannot read: look at the group's members first.)
  if (f$exists("comparisons") && length(names(f[["comparisons"]])) > 0) {
    comps <- f[["comparisons"]]
    for (g in h5attr(comps, "order")) {
      c <- comps[[g]]
      cat(sprintf("%s - %s: mean NPV difference %.1f +/- %.1f GBP m\n", h5attr(c, "b"),
                  h5attr(c, "a"), c[["npv_diff_mean"]]$read(), c[["npv_diff_se"]]$read()))
    }
  }
}
f$close_all()
