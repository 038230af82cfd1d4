/*
 * The batch rules of scenario-format.md: scenario names are unique within
 * a run, and every scenario shares the run's paths and seed (so a batch
 * always uses common random numbers).  The run takes paths and seed from
 * the options when set, else from the first scenario (its value or the
 * default); a later scenario may leave them out or repeat them, but a
 * different value is an error pointing at the key that set it.
 */
#include <inttypes.h>
#include <string.h>

#include "scenario/scenario.h"

/* Returns 1 (and reports) when s set `key` to a value other than the run's. */
static int check_setting(const mps_scenario *first, const mps_scenario *s, const char *key,
                          uint64_t run_value, uint64_t value, int set, const char *file,
                          int line, int column, const char *flag, mpsim_errors *errs)
{
    if (!set || value == run_value)
        return 0;
    mpsim_errors_add(errs, file ? file : s->file, line, column, key,
                     "is %" PRIu64 " here but the batch runs with %" PRIu64 " (from %s); "
                     "scenarios in one run share paths and seed: remove the key, give the same "
                     "value, or set %s on the command line",
                     value, run_value, first->file ? first->file : "the first scenario", flag);
    return 1;
}

int mpsim_batch_check(mpsim_scenario *const *scenarios, size_t n, const mpsim_run_options *opt,
                      mpsim_errors *errs)
{
    int bad = 0;
    for (size_t i = 1; i < n; i++) {
        const mps_scenario *s = scenarios[i];
        for (size_t j = 0; j < i; j++) {
            if (strcmp(scenarios[j]->name, s->name) == 0) {
                /* With `extends` the name may have been inherited: the
                 * error points where it was written and names the
                 * scenario's own file. */
                const char *where = s->name_file ? s->name_file : s->file;
                if (strcmp(where, s->file) == 0)
                    mpsim_errors_add(errs, where, s->name_line, s->name_column, "name",
                                     "scenario name '%s' is also used by %s; every scenario "
                                     "in a batch needs its own name", s->name,
                                     scenarios[j]->file);
                else
                    mpsim_errors_add(errs, where, s->name_line, s->name_column, "name",
                                     "scenario name '%s' of %s (inherited from here) is also "
                                     "used by %s; every scenario in a batch needs its own "
                                     "name: give %s a name of its own", s->name, s->file,
                                     scenarios[j]->file, s->file);
                bad = 1;
                break;
            }
        }
    }
    if (n > 0) {
        const mps_scenario *first = scenarios[0];
        int paths_given = opt != NULL && opt->paths_set;
        int seed_given = opt != NULL && opt->seed_set;
        for (size_t i = 1; i < n; i++) {
            const mps_scenario *s = scenarios[i];
            if (!paths_given)
                bad |= check_setting(first, s, "simulation.paths", first->paths, s->paths,
                                     s->paths_set, s->paths_file, s->paths_line,
                                     s->paths_column, "--paths", errs);
            if (!seed_given)
                bad |= check_setting(first, s, "simulation.seed", first->seed, s->seed,
                                     s->seed_set, s->seed_file, s->seed_line, s->seed_column,
                                     "--seed", errs);
            /* One stopping rule for the batch: its scenarios run on the
             * same paths, so they stop at the same round. */
            if (!(opt != NULL && opt->target_se > 0.0) && s->precision_set &&
                s->precision != first->precision) {
                mpsim_errors_add(errs, s->precision_file ? s->precision_file : s->file,
                                 s->precision_line, s->precision_column, "simulation.precision",
                                 "is %g here but the batch runs with %g (from %s); scenarios in "
                                 "one run share their precision target: remove the key, give "
                                 "the same value, or set --target-se on the command line",
                                 s->precision, first->precision,
                                 first->file ? first->file : "the first scenario");
                bad = 1;
            }
        }
    }
    return bad ? MPSIM_ERR_INPUT : MPSIM_OK;
}
