/*
 * Following `extends`: each file names the file it extends by a path
 * relative to itself; that file is read, parsed and resolved first
 * (recursively), and this file's tree is merged over the result
 * (merge.c).  Files are told apart by device and inode, so a cycle is found
 * however its paths are spelled; it is reported at the `extends` of the
 * first file on the cycle, with the whole chain of files.
 *
 * Every file read is kept in the scenario's sources, in the order the
 * chain is followed: the file itself, the file it extends, the file that
 * one extends, and so on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "scenario/extends.h"
#include "scenario/source.h"

/* One file of the chain being resolved. */
typedef struct {
    int source; /* index into s->sources */
    int known;  /* dev and ino are valid */
    dev_t dev;
    ino_t ino;
    const mps_ynode *ext; /* its `extends` value */
} chain_link;

typedef struct {
    mps_loader *L;
    mps_doc_set *docs;
    chain_link chain[MPS_EXTENDS_MAX_FILES];
    int depth; /* files in chain */
} resolver;

int mps_docs_parse(mps_doc_set *d, const char *text, size_t len, const char *file,
                   mpsim_errors *errs, const mps_ynode **root)
{
    *root = NULL;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 4;
        mps_ytree *t = realloc(d->trees, cap * sizeof *t);
        if (t == NULL) {
            mpsim_errors_add(errs, file, 0, 0, "", "out of memory while reading the YAML");
            return MPSIM_ERR_FAIL;
        }
        d->trees = t;
        d->cap = cap;
    }
    /* The tree is kept even when parsing fails, so that it is freed. */
    mps_ytree *t = &d->trees[d->n++];
    int rc = mps_ytree_parse(text, len, file, t, errs);
    if (rc == MPSIM_OK)
        *root = t->root;
    return rc;
}

void mps_docs_free(mps_doc_set *d)
{
    for (size_t i = 0; i < d->n; i++)
        mps_ytree_free(&d->trees[i]);
    free(d->trees);
    mps_ytree_free(&d->arena);
    memset(d, 0, sizeof *d);
}

/* The path of `target` written in the file at `from`: relative to from's
 * folder unless absolute. */
static char *relative_to(const char *from, const char *target)
{
    const char *slash = strrchr(from, '/');
    if (target[0] == '/' || slash == NULL)
        return mps_strdup(target);
    return mps_asprintf("%.*s/%s", (int)(slash - from), from, target);
}

/* "a.yaml -> b.yaml -> a.yaml": the chain from file `from` on, closed by
 * file `from` again. */
static char *cycle_text(const resolver *R, int from)
{
    const mps_source_file *src = R->L->s->sources;
    size_t size = 1;
    for (int i = from; i < R->depth; i++)
        size += strlen(src[R->chain[i].source].path) + 4;
    size += strlen(src[R->chain[from].source].path);
    char *buf = malloc(size);
    if (buf == NULL)
        return NULL;
    buf[0] = '\0';
    for (int i = from; i < R->depth; i++) {
        strcat(buf, src[R->chain[i].source].path);
        strcat(buf, " -> ");
    }
    strcat(buf, src[R->chain[from].source].path);
    return buf;
}

/* Appends a source file (taking ownership of path and text); returns its
 * index, or -1 when out of memory (both freed). */
static int add_source(resolver *R, char *path, char *text)
{
    mps_scenario *s = R->L->s;
    mps_source_file *src = realloc(s->sources, ((size_t)s->n_sources + 1) * sizeof *src);
    if (src == NULL) {
        free(path);
        free(text);
        mps_load_oom(R->L);
        return -1;
    }
    s->sources = src;
    src[s->n_sources].path = path;
    src[s->n_sources].text = text;
    return s->n_sources++;
}

/* Checks the `extends` of a file (the key path is "extends") and returns
 * the path of the file it names, or NULL after an error. */
static char *target_of(resolver *R, const mps_ynode *root, const mps_ynode *ext, const char *from)
{
    mps_loader *L = R->L;
    char buf[MPS_GOT_SIZE];
    /* The merge leaves out the first `extends` only: a second is refused
     * here rather than ignored. */
    const mps_ynode *first = NULL;
    for (size_t i = 0; i < root->n; i++) {
        const mps_ynode *k = mps_ymap_key(root, i);
        if (k->type != MPS_YNODE_SCALAR || strcmp(k->text, "extends") != 0)
            continue;
        if (first == NULL) {
            first = k;
        } else {
            mps_load_error(L, k,
                           "duplicate key 'extends' (first given at line %d); a scenario "
                           "extends one file",
                           first->line);
            return NULL;
        }
    }
    if (ext->type != MPS_YNODE_SCALAR || ext->len == 0 || strlen(ext->text) != ext->len ||
        (ext->plain && mps_yscalar_resolve(ext).kind != MPS_YV_STRING)) {
        mps_load_error(L, ext,
                       "must be the path of the scenario file this one extends, relative "
                       "to this file, e.g. extends: baseline.yaml (got %s)",
                       mps_got(ext, buf, sizeof buf));
        return NULL;
    }
    char *path = relative_to(from, ext->text);
    if (path == NULL)
        mps_load_oom(L);
    return path;
}

static const mps_ynode *resolve(resolver *R, int source, const mps_ynode *root);

/* Reads, parses and resolves the file at `path` (owned), which the last
 * file of the chain extends (its `extends` value is ext); *index gets its
 * source index.  NULL after a fatal error.  The key path is "extends". */
static const mps_ynode *load_parent(resolver *R, char *path, const mps_ynode *ext, int *index)
{
    mps_loader *L = R->L;
    struct stat st;
    if (stat(path, &st) != 0) {
        char why[128];
        if (strerror_r(errno, why, sizeof why) != 0)
            snprintf(why, sizeof why, "error %d", errno);
        mps_load_error(L, ext,
                       "cannot read '%s', the file this scenario extends (a path "
                       "relative to this file): %s",
                       path, why);
        free(path);
        return NULL;
    }
    for (int i = 0; i < R->depth; i++) {
        if (R->chain[i].known && R->chain[i].dev == st.st_dev && R->chain[i].ino == st.st_ino) {
            /* Reported where the cycle starts: for a file extending
             * itself, or the file loaded, that is the file the user named. */
            char *chain = cycle_text(R, i);
            mps_load_error(L, R->chain[i].ext,
                           "extends forms a cycle: %s; a scenario cannot "
                           "extend itself, directly or through other files",
                           chain ? chain : "(out of memory)");
            free(chain);
            free(path);
            return NULL;
        }
    }
    if (R->depth >= MPS_EXTENDS_MAX_FILES) {
        mps_load_error(L, ext, "extends nests more than %d files deep; make the chain shorter",
                       MPS_EXTENDS_MAX_FILES);
        free(path);
        return NULL;
    }
    /* Errors about the file as a whole (empty, too large, not UTF-8, bad
     * YAML) name that file, as when it is loaded alone. */
    char *text = NULL;
    size_t len = 0;
    int rc = mps_source_read(path, &text, &len, L->errs);
    if (rc == MPSIM_OK)
        rc = mps_source_check(text, len, path, L->errs);
    const mps_ynode *parent = NULL;
    if (rc == MPSIM_OK) {
        *index = add_source(R, path, text);
        if (*index < 0)
            return NULL;
        const mps_source_file *src = &L->s->sources[*index];
        rc = mps_docs_parse(R->docs, src->text, len, src->path, L->errs, &parent);
    } else {
        free(path);
        free(text);
    }
    if (rc != MPSIM_OK) {
        L->n_errors++;
        L->oom |= rc == MPSIM_ERR_FAIL;
        return NULL;
    }
    const mps_source_file *src = &L->s->sources[*index];
    if (parent == NULL || parent->type != MPS_YNODE_MAPPING) {
        mpsim_errors_add(L->errs, src->path, parent ? parent->line : 0, parent ? parent->column : 0,
                         "", "holds no scenario mapping, so it cannot be extended (%s extends it)",
                         L->s->sources[R->chain[R->depth - 1].source].path);
        L->n_errors++;
        return NULL;
    }
    /* The parent's own paths start from its root. */
    mps_path_restore(L, 0);
    const mps_ynode *result = resolve(R, *index, parent);
    mps_path_key(L, "extends");
    return result;
}

/* Resolves the tree `root` of source file `source`: its own extends chain,
 * then the merge.  The key path is empty here and on return. */
static const mps_ynode *resolve(resolver *R, int source, const mps_ynode *root)
{
    mps_loader *L = R->L;
    const char *file = L->s->sources[source].path;
    chain_link *me = &R->chain[R->depth++];
    memset(me, 0, sizeof *me);
    me->source = source;
    struct stat st;
    if (stat(file, &st) == 0) {
        me->known = 1;
        me->dev = st.st_dev;
        me->ino = st.st_ino;
    }
    const mps_ynode *result = NULL;
    const mps_ynode *ext = mps_map_get(root, "extends", NULL);
    if (ext == NULL) {
        /* The end of the chain: nothing inherited, but nulls and drops are
         * still checked. */
        result = mps_merge_tree(L, &R->docs->arena, NULL, root, NULL);
    } else {
        me->ext = ext;
        mps_path_key(L, "extends");
        char *path = target_of(R, root, ext, file);
        int parent = -1;
        const mps_ynode *base = path ? load_parent(R, path, ext, &parent) : NULL;
        mps_path_restore(L, 0);
        if (base != NULL)
            result = mps_merge_tree(L, &R->docs->arena, base, root, L->s->sources[parent].path);
    }
    R->depth--;
    return result;
}

const mps_ynode *mps_resolve_extends(mps_loader *L, mps_doc_set *docs, const mps_ynode *root)
{
    resolver R;
    memset(&R, 0, sizeof R);
    R.L = L;
    R.docs = docs;
    return resolve(&R, 0, root);
}
