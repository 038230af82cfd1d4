/*
 * A deliberate data race, for scripts/race-check.sh: the checker must
 * report it, which shows that ThreadSanitizer, LLVM's OpenMP runtime and
 * Archer are wired up, so that "no race reported" for mpsim means
 * something.  Two OpenMP threads add to one unprotected counter.  Not part
 * of mpsim; built only by the race check.
 */
#include <stdio.h>

int main(void)
{
    long counter = 0;
#pragma omp parallel num_threads(2)
    for (int i = 0; i < 100000; i++)
        counter++; /* the race */
    printf("%ld\n", counter);
    return 0;
}
