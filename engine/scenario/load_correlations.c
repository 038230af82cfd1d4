/*
 * The top-level `correlations` list (scenario-format.md): pairs of
 * uncertain inputs, named by key path, and the correlation of their normal
 * scores in a Gaussian copula (model.md section 3).  Read after the
 * missions and the economy, since the key paths name them.
 *
 * Each key path is resolved to an input (mps_input_ref); an input that is
 * not uncertain is refused, because a correlation with a constant means
 * nothing and is almost surely a mistake.  The inputs are numbered in
 * order of first appearance, the correlation matrix is built, and its
 * lower Cholesky factor stored for the model, so the model never factors
 * anything.  The factor is computed here rather than with GSL because GSL
 * reports a matrix that is not positive definite through its global error
 * handler, and because the pivot that fails tells which inputs are
 * inconsistent.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "scenario/load_internal.h"

/** Most inputs one scenario may correlate: the matrix is n x n and every
 *  path mixes n scores. */
#define MPS_CORR_MAX_INPUTS 1000
/** A pivot of the Cholesky factor at or below this is taken as singular:
 *  the diagonal of a correlation matrix is 1, so this is relative. */
#define MPS_CORR_MIN_PIVOT 1e-12

static const mps_key_spec pair_keys[] = {{"a", 0}, {"b", 0}, {"rho", 0}};
#define N_KEYS(t) (sizeof(t) / sizeof(t)[0])

static const char *const correlatable =
    "correlatable inputs are a project's cost.overrun, delay, benefits.annual and "
    "prevention.effect "
    "(missions.<mission>.projects.<project>.cost.overrun, ...), "
    "economy.multipliers.<CDEL|RDEL|PDEL>.<regime> (economy.multipliers.<CDEL|RDEL|PDEL> when "
    "given once for every regime) and economy.crowding_in, each given as a distribution";

/* One valid item of the list. */
typedef struct {
    int a, b;       /* input indices */
    double rho;
    const mps_ynode *node;
    size_t item;    /* index in the list, for the key path */
} pair;

typedef struct {
    mps_input_ref *inputs;
    int n, cap;
    pair *pairs;
    size_t n_pairs;
} corr_build;

static int is_uncertain(const mps_dist *d)
{
    return d->kind != MPS_DIST_FIXED;
}

/* A project input: rest is the part after missions.<m>.projects.<p>. */
static int resolve_project(mps_loader *L, const mps_ynode *n, const char *rest, int p,
                           mps_input_ref *ref)
{
    const mps_project *pr = &L->s->projects[p];
    const mps_dist *d;
    if (strcmp(rest, "cost.overrun") == 0) {
        ref->kind = MPS_INPUT_OVERRUN;
        d = &pr->overrun;
    } else if (strcmp(rest, "delay") == 0) {
        ref->kind = MPS_INPUT_DELAY;
        d = &pr->delay;
    } else if (strcmp(rest, "benefits.annual") == 0) {
        ref->kind = MPS_INPUT_BENEFIT;
        d = &pr->annual;
        if (!pr->has_benefits) {
            mps_load_error(L, n, "project %s has no benefits, so benefits.annual is not an "
                                 "uncertain input; %s", pr->id, correlatable);
            return 0;
        }
    } else if (strcmp(rest, "prevention.effect") == 0) {
        ref->kind = MPS_INPUT_PREVENTION;
        d = &pr->prev_effect;
        if (!pr->has_prevention) {
            mps_load_error(L, n, "project %s has no prevention, so prevention.effect is not an "
                                 "uncertain input; %s", pr->id, correlatable);
            return 0;
        }
    } else if (strcmp(rest, "spillovers.value") == 0) {
        mps_load_error(L, n, "spillovers.value is drawn afresh for each discovery, so it cannot "
                             "be correlated; %s", correlatable);
        return 0;
    } else {
        mps_load_error(L, n, "'%.200s' is not a correlatable input of project %s; %s", rest,
                       pr->id, correlatable);
        return 0;
    }
    if (!is_uncertain(d)) {
        mps_load_error(L, n, "%s of project %s is a fixed number, not an uncertain input (a plain "
                             "number, dist: fixed, or the default); %s", rest, pr->id,
                       correlatable);
        return 0;
    }
    ref->project = p;
    return 1;
}

/* missions.<m>.projects.<p>.<rest> (tok holds the five leading parts). */
static int resolve_mission_path(mps_loader *L, const mps_ynode *n, char **tok, int n_tok,
                                const char *rest, mps_input_ref *ref)
{
    char near[512];
    const mps_scenario *s = L->s;
    if (n_tok < 5 || strcmp(tok[2], "projects") != 0) {
        mps_load_error(L, n, "'%.200s' is not a correlatable input; %s", n->text, correlatable);
        return 0;
    }
    int m = mps_find_mission(s, tok[1]);
    if (m < 0) {
        mps_load_error(L, n, "names an unknown mission '%.128s' (key paths name missions and "
                             "projects by id)", tok[1]);
        return 0;
    }
    int p = mps_find_project(s, tok[3]);
    if (p < 0) {
        mps_nearest_projects(s, tok[3], near, sizeof near);
        mps_load_error(L, n, "names an unknown project '%.128s' (nearest project ids: %s)", tok[3],
                       near);
        return 0;
    }
    if (s->projects[p].mission != m) {
        mps_load_error(L, n, "project %s belongs to mission %s, not %s; write "
                             "missions.%s.projects.%s.%.200s", s->projects[p].id,
                       s->missions[s->projects[p].mission].id, tok[1],
                       s->missions[s->projects[p].mission].id, s->projects[p].id, rest);
        return 0;
    }
    return resolve_project(L, n, rest, p, ref);
}

/* economy.multipliers.<CAT>[.<regime>] or economy.crowding_in. */
static int resolve_economy_path(mps_loader *L, const mps_ynode *n, char **tok, int n_tok,
                                mps_input_ref *ref)
{
    char list[512];
    const mps_economy *e = &L->s->economy;
    if (!e->present) {
        mps_load_error(L, n, "the scenario has no economy block, so '%.200s' names nothing; %s",
                       n->text, correlatable);
        return 0;
    }
    if (n_tok == 2 && strcmp(tok[1], "crowding_in") == 0) {
        if (!is_uncertain(&e->crowding_in)) {
            mps_load_error(L, n, "economy.crowding_in is a fixed number, not an uncertain input "
                                 "(a plain number, dist: fixed, or the default 0); %s",
                           correlatable);
            return 0;
        }
        ref->kind = MPS_INPUT_CROWDING_IN;
        return 1;
    }
    if (n_tok < 3 || n_tok > 4 || strcmp(tok[1], "multipliers") != 0) {
        mps_load_error(L, n, "'%.200s' is not a correlatable input; %s", n->text, correlatable);
        return 0;
    }
    if (strcmp(tok[2], "profile") == 0) {
        mps_load_error(L, n, "economy.multipliers.profile is a list of plain numbers, not an "
                             "uncertain input; %s", correlatable);
        return 0;
    }
    int c = 0;
    while (c < MPS_N_CATEGORIES && strcmp(mps_category_names[c], tok[2]) != 0)
        c++;
    if (c == MPS_N_CATEGORIES) {
        mps_load_error(L, n, "unknown budget category '%.60s'; economy.multipliers has CDEL, RDEL "
                             "and PDEL", tok[2]);
        return 0;
    }
    const mps_multiplier *mu = &e->multipliers[c];
    const char *cat = mps_category_names[c];
    if (!mu->given) {
        if (c == MPS_PDEL)
            mps_load_error(L, n, "economy.multipliers.PDEL is not given, so PDEL spend uses "
                                 "RDEL's multiplier draws: correlate economy.multipliers.RDEL "
                                 "instead");
        else
            mps_load_error(L, n, "economy.multipliers.%s is not given (its multiplier is 0), so "
                                 "it is not an uncertain input; %s", cat, correlatable);
        return 0;
    }
    mps_regime_list(e, list, sizeof list);
    if (mu->per_regime && n_tok == 3) {
        mps_load_error(L, n, "economy.multipliers.%s is given per regime; name one regime, e.g. "
                             "economy.multipliers.%s.%s (the regimes are %s)", cat, cat,
                       e->regime_names[0], list);
        return 0;
    }
    if (!mu->per_regime && n_tok == 4) {
        mps_load_error(L, n, "economy.multipliers.%s is given once for every regime; write "
                             "economy.multipliers.%s without a regime", cat, cat);
        return 0;
    }
    int r = -1;
    if (n_tok == 4) {
        r = 0;
        while (r < e->n_regimes && strcmp(e->regime_names[r], tok[3]) != 0)
            r++;
        if (r == e->n_regimes) {
            mps_load_error(L, n, "unknown regime '%.128s'; the regimes are %s", tok[3], list);
            return 0;
        }
    }
    if (!is_uncertain(&mu->dist[r < 0 ? 0 : r])) {
        mps_load_error(L, n, "%.200s is a fixed number, not an uncertain input (a plain number "
                             "or dist: fixed); %s", n->text, correlatable);
        return 0;
    }
    ref->kind = MPS_INPUT_MULTIPLIER;
    ref->category = c;
    ref->regime = r;
    return 1;
}

/* Resolves key path node n to *ref (key_path not set). */
static int resolve(mps_loader *L, const mps_ynode *n, mps_input_ref *ref)
{
    char buf[MPS_GOT_SIZE];
    if (n->type != MPS_YNODE_SCALAR || (n->plain && mps_yscalar_resolve(n).kind == MPS_YV_NULL)) {
        mps_load_error(L, n, "must be the key path of an uncertain input, e.g. "
                             "missions.<mission>.projects.<project>.benefits.annual (got %s)",
                       mps_got(n, buf, sizeof buf));
        return 0;
    }
    *ref = (mps_input_ref){MPS_INPUT_OVERRUN, -1, -1, -1, NULL};
    char *copy = mps_strdup(n->text);
    if (copy == NULL) {
        mps_load_oom(L);
        return 0;
    }
    /* Split at the dots; ids and regime names cannot contain one. */
    enum { MAX_TOK = 8 };
    char *tok[MAX_TOK];
    int n_tok = 0;
    char *p = copy;
    for (;;) {
        tok[n_tok++] = p;
        char *dot = strchr(p, '.');
        if (dot == NULL || n_tok == MAX_TOK)
            break;
        *dot = '\0';
        p = dot + 1;
    }
    int ok = 0;
    if (strcmp(tok[0], "missions") == 0 && n_tok >= 5)
        ok = resolve_mission_path(L, n, tok, n_tok, n->text + (tok[4] - copy), ref);
    else if (strcmp(tok[0], "economy") == 0)
        ok = resolve_economy_path(L, n, tok, n_tok, ref);
    else
        mps_load_error(L, n, "'%.200s' is not a correlatable input; %s", n->text, correlatable);
    free(copy);
    return ok;
}

static int same_input(const mps_input_ref *x, const mps_input_ref *y)
{
    return x->kind == y->kind && x->project == y->project && x->category == y->category &&
           x->regime == y->regime;
}

/* The index of ref among the inputs, adding it (with the key path as
 * written) when new; -1 when out of memory or over the limit (reported). */
static int input_index(mps_loader *L, corr_build *cb, const mps_input_ref *ref,
                       const mps_ynode *at)
{
    for (int i = 0; i < cb->n; i++)
        if (same_input(&cb->inputs[i], ref))
            return i;
    if (cb->n == MPS_CORR_MAX_INPUTS) {
        mps_load_error(L, at, "more than %d inputs are correlated; at most %d are allowed",
                       MPS_CORR_MAX_INPUTS, MPS_CORR_MAX_INPUTS);
        return -1;
    }
    if (cb->n == cb->cap) {
        int cap = cb->cap ? 2 * cb->cap : 8;
        mps_input_ref *in = realloc(cb->inputs, (size_t)cap * sizeof *in);
        if (in == NULL) {
            mps_load_oom(L);
            return -1;
        }
        cb->inputs = in;
        cb->cap = cap;
    }
    mps_input_ref r = *ref;
    r.key_path = mps_strdup(at->text);
    if (r.key_path == NULL) {
        mps_load_oom(L);
        return -1;
    }
    cb->inputs[cb->n] = r;
    return cb->n++;
}

/* Reads item m; on success appends a pair. */
static void load_pair(mps_loader *L, corr_build *cb, const mps_ynode *m, size_t item)
{
    char buf[MPS_GOT_SIZE];
    if (!mps_check_mapping(L, m, pair_keys, N_KEYS(pair_keys), "a correlation"))
        return;
    size_t before = L->n_errors;
    mps_input_ref ra, rb;
    const mps_ynode *na = mps_map_get(m, "a", NULL), *nb = mps_map_get(m, "b", NULL);
    const mps_ynode *nr = mps_map_get(m, "rho", NULL);
    int ok_a = 0, ok_b = 0;
    size_t mark;
    if (na != NULL) {
        mark = mps_path_key(L, "a");
        ok_a = resolve(L, na, &ra);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "a", "the key path of an uncertain input");
    }
    if (nb != NULL) {
        mark = mps_path_key(L, "b");
        ok_b = resolve(L, nb, &rb);
        if (ok_a && ok_b && same_input(&ra, &rb))
            mps_load_error(L, nb, "a and b name the same input (%.200s); a correlation joins two "
                                  "different inputs", na->text);
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "b", "the key path of an uncertain input");
    }
    double rho = 0.0;
    if (nr != NULL) {
        mark = mps_path_key(L, "rho");
        if (mps_get_number(L, nr, &rho)) {
            if (fabs(rho) > 1)
                mps_load_error(L, nr, "must be in [-1, 1]: the correlation of the two inputs' "
                                      "normal scores (got %s)", mps_got(nr, buf, sizeof buf));
            else if (fabs(rho) == 1)
                mps_load_error(L, nr, "|rho| = 1 makes the matrix singular; use e.g. %s0.99 (got "
                                      "%s)", rho < 0 ? "-" : "", mps_got(nr, buf, sizeof buf));
        }
        mps_path_restore(L, mark);
    } else {
        mps_missing_key(L, m, "rho", "the correlation, in (-1, 1)");
    }
    if (L->n_errors != before)
        return;
    mark = mps_path_key(L, "a");
    int ia = input_index(L, cb, &ra, na);
    mps_path_restore(L, mark);
    if (ia < 0)
        return;
    mark = mps_path_key(L, "b");
    int ib = input_index(L, cb, &rb, nb);
    mps_path_restore(L, mark);
    if (ib < 0)
        return;
    cb->pairs[cb->n_pairs++] = (pair){ia, ib, rho, m, item};
}

/* "a, b and c" of the inputs flagged in `in`, as a new string. */
static char *join_inputs(const corr_build *cb, const char *in)
{
    size_t len = 1;
    int count = 0;
    for (int i = 0; i < cb->n; i++)
        if (in[i]) {
            len += strlen(cb->inputs[i].key_path) + 5;
            count++;
        }
    char *out = malloc(len);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    int k = 0;
    for (int i = 0; i < cb->n; i++) {
        if (!in[i])
            continue;
        if (k > 0)
            strcat(out, k == count - 1 ? " and " : ", ");
        strcat(out, cb->inputs[i].key_path);
        k++;
    }
    return out;
}

/* In-place lower Cholesky factor of the n x n row-major matrix A (upper
 * triangle zeroed).  Returns -1 on success, else the first row whose pivot
 * is not positive: the leading block up to that row is not positive
 * definite, while the block before it is. */
static int cholesky(double *A, int n)
{
    for (int j = 0; j < n; j++) {
        double d = A[(size_t)j * n + j];
        for (int k = 0; k < j; k++)
            d -= A[(size_t)j * n + k] * A[(size_t)j * n + k];
        if (!(d > MPS_CORR_MIN_PIVOT))
            return j;
        double ljj = sqrt(d);
        A[(size_t)j * n + j] = ljj;
        for (int i = j + 1; i < n; i++) {
            double x = A[(size_t)i * n + j];
            for (int k = 0; k < j; k++)
                x -= A[(size_t)i * n + k] * A[(size_t)j * n + k];
            A[(size_t)i * n + j] = x / ljj;
        }
        for (int k = j + 1; k < n; k++)
            A[(size_t)j * n + k] = 0.0;
    }
    return -1;
}

/* Reports the inputs behind a failed pivot at row `bad`: those among
 * 0 .. bad linked to `bad` by non-zero correlations (the rest of that block
 * is positive definite on its own). */
static void report_inconsistent(mps_loader *L, const corr_build *cb, const double *R, int bad,
                                const mps_ynode *key)
{
    int n = cb->n;
    char *in = calloc((size_t)n, 1);
    int *queue = malloc((size_t)n * sizeof *queue);
    if (in == NULL || queue == NULL) {
        free(in);
        free(queue);
        mps_load_oom(L);
        return;
    }
    int head = 0, tail = 0;
    in[bad] = 1;
    queue[tail++] = bad;
    while (head < tail) {
        int i = queue[head++];
        for (int j = 0; j <= bad; j++)
            if (!in[j] && R[(size_t)i * n + j] != 0.0) {
                in[j] = 1;
                queue[tail++] = j;
            }
    }
    char *names = join_inputs(cb, in);
    if (names == NULL)
        mps_load_oom(L);
    else
        mps_load_error(L, key, "the correlations among %s are not consistent (the matrix is not "
                               "positive definite); no joint distribution has them all, so "
                               "lower some of their |rho|", names);
    free(names);
    free(in);
    free(queue);
}

/* Builds the matrix from the pairs, refusing a pair listed twice, and
 * stores its factor in s->correlations when every item was good. */
static void build_matrix(mps_loader *L, corr_build *cb, const mps_ynode *key, int items_ok)
{
    int n = cb->n;
    double *R = calloc((size_t)n * n, sizeof *R);
    size_t *first = calloc((size_t)n * n, sizeof *first); /* pair index + 1 */
    if (R == NULL || first == NULL) {
        free(R);
        free(first);
        mps_load_oom(L);
        return;
    }
    for (int i = 0; i < n; i++)
        R[(size_t)i * n + i] = 1.0;
    for (size_t k = 0; k < cb->n_pairs; k++) {
        const pair *p = &cb->pairs[k];
        size_t ab = (size_t)p->a * n + p->b, ba = (size_t)p->b * n + p->a;
        if (first[ab] != 0) {
            const pair *q = &cb->pairs[first[ab] - 1];
            size_t mark = mps_path_index(L, p->item);
            mps_load_error(L, p->node, "the pair %s, %s is listed twice (first at line %d); give "
                                       "each pair once", cb->inputs[q->a].key_path,
                           cb->inputs[q->b].key_path, q->node->line);
            mps_path_restore(L, mark);
            items_ok = 0;
            continue;
        }
        first[ab] = first[ba] = k + 1;
        R[ab] = R[ba] = p->rho;
    }
    free(first);
    if (items_ok && n > 0) {
        double *F = malloc((size_t)n * n * sizeof *F);
        if (F == NULL) {
            free(R);
            mps_load_oom(L);
            return;
        }
        memcpy(F, R, (size_t)n * n * sizeof *F);
        int bad = cholesky(F, n);
        if (bad >= 0) {
            free(F);
            report_inconsistent(L, cb, R, bad, key);
        } else {
            L->s->correlations.cholesky = F;
        }
    }
    free(R);
}

void mps_load_correlations(mps_loader *L, const mps_ynode *n, const mps_ynode *key)
{
    char buf[MPS_GOT_SIZE];
    mps_correlations *c = &L->s->correlations;
    size_t mark = mps_path_key(L, "correlations");
    if (n->type != MPS_YNODE_SEQUENCE) {
        mps_load_error(L, n, "must be a list of correlations such as [{a: KEY_PATH, b: "
                             "KEY_PATH, rho: 0.4}] (got %s)", mps_got(n, buf, sizeof buf));
        mps_path_restore(L, mark);
        return;
    }
    corr_build cb;
    memset(&cb, 0, sizeof cb);
    cb.pairs = calloc(n->n ? n->n : 1, sizeof *cb.pairs);
    if (cb.pairs == NULL) {
        mps_load_oom(L);
        mps_path_restore(L, mark);
        return;
    }
    size_t before = L->n_errors;
    for (size_t i = 0; i < n->n && !L->oom; i++) {
        size_t m2 = mps_path_index(L, i);
        load_pair(L, &cb, n->items[i], i);
        mps_path_restore(L, m2);
    }
    if (!L->oom && cb.n_pairs > 0)
        build_matrix(L, &cb, key, L->n_errors == before);
    /* The inputs belong to the scenario even when the matrix failed, so
     * that freeing the scenario frees their key paths. */
    c->inputs = cb.inputs;
    c->n = c->cholesky != NULL ? cb.n : 0;
    if (c->cholesky == NULL) {
        for (int i = 0; i < cb.n; i++)
            free(cb.inputs[i].key_path);
        free(cb.inputs);
        c->inputs = NULL;
    }
    free(cb.pairs);
    mps_path_restore(L, mark);
}
