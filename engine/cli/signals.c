/*
 * Signals that stop a run or a sweep cleanly.
 *
 * SIGINT, SIGTERM and SIGUSR1 (Slurm's warning before the time limit, with
 * `--signal=USR1@120`) set a flag that the run driver reads at every block
 * boundary (mpsim_run_options.cancel): the block in flight finishes, the
 * command records what it can (a checkpoint, a sweep's journal) and exits
 * 128 + the signal.  SA_RESETHAND: the first Ctrl-C asks for a clean stop,
 * a second one (the handler is then the default again) stops at once.
 *
 * SIGXFSZ is ignored: a write past the file-size limit (ulimit -f, or a
 * batch system's quota) then fails with EFBIG, which the HDF5 writer
 * reports and cleans up after, instead of the signal killing the process
 * with its temporary file left behind.
 */
#include <string.h>

#include "cli/cli.h"

/* Signal handlers can only talk to the program through objects of static
 * storage; these two are the command line's only mutable globals, written
 * by the handler and read by the run driver through opt.cancel. */
static volatile sig_atomic_t cancel_flag = 0;
static volatile sig_atomic_t cancel_signal = 0;

static void on_signal(int signo)
{
    cancel_signal = signo;
    cancel_flag = 1;
}

static const int stop_signals[MPS_CLI_N_SIGNALS - 1] = {SIGINT, SIGTERM, SIGUSR1};

void mps_cli_signals_install(mps_cli_signals *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (int i = 0; i < MPS_CLI_N_SIGNALS - 1; i++)
        sigaction(stop_signals[i], &sa, &saved->old[i]);
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGXFSZ, &ign, &saved->old[MPS_CLI_N_SIGNALS - 1]);
}

void mps_cli_signals_restore(const mps_cli_signals *saved)
{
    for (int i = 0; i < MPS_CLI_N_SIGNALS - 1; i++)
        sigaction(stop_signals[i], &saved->old[i], NULL);
    sigaction(SIGXFSZ, &saved->old[MPS_CLI_N_SIGNALS - 1], NULL);
}

const volatile sig_atomic_t *mps_cli_cancel_flag(void)
{
    return &cancel_flag;
}

int mps_cli_cancelled(void)
{
    return cancel_flag != 0;
}

int mps_cli_cancel_signal(void)
{
    return cancel_signal ? (int)cancel_signal : SIGINT;
}
