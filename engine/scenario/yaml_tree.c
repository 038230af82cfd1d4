/*
 * libyaml events -> mps_ynode tree (see yaml_tree.h).
 *
 * The builder is iterative (an explicit stack of open collections), so a
 * hostile file cannot exhaust the C stack; the depth limit is checked as
 * each collection opens.  Aliases share the anchored node and add its
 * expanded weight to a running total, which is how "billion laughs" files
 * are caught at the alias that crosses the limit.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/util.h"
#include "scenario/yaml_tree.h"

typedef struct {
    char *name;
    mps_ynode *node;
    int open; /* still being built: an alias to it would be recursive */
} anchor;

typedef struct {
    mps_ytree *tree;
    const char *file;
    mpsim_errors *errs;
    const char *text;
    size_t len;
    mps_ynode **stack;
    int depth;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    size_t alias_nodes;
    int documents;
} builder;

static size_t sat_add(size_t a, size_t b)
{
    return (a > SIZE_MAX - b) ? SIZE_MAX : a + b;
}

static mps_ynode *new_node(builder *b, mps_ynode_type type, yaml_mark_t mark)
{
    mps_ynode *n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    n->type = type;
    n->line = (int)mark.line + 1;
    n->column = (int)mark.column + 1;
    n->weight = 1;
    n->file = b->file;
    n->next_alloc = b->tree->all;
    b->tree->all = n;
    return n;
}

/* Mapping children arrive as key, value, key, value...; `fill` counts the
 * slots used so far, so a mapping has fill = 2n or 2n + 1 (key waiting). */
static int push_item(mps_ynode *parent, size_t *fill, mps_ynode *child)
{
    if (*fill == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 8;
        mps_ynode **items = realloc(parent->items, cap * sizeof *items);
        if (items == NULL)
            return MPSIM_ERR_FAIL;
        parent->items = items;
        parent->cap = cap;
    }
    parent->items[(*fill)++] = child;
    if (parent->type == MPS_YNODE_SEQUENCE)
        parent->n = *fill;
    else
        parent->n = *fill / 2;
    parent->weight = sat_add(parent->weight, child->weight);
    if (child->height + 1 > parent->height)
        parent->height = child->height + 1;
    return MPSIM_OK;
}

static void tag_error(builder *b, const yaml_event_t *ev, const yaml_char_t *tag)
{
    mpsim_errors_add(b->errs, b->file, (int)ev->start_mark.line + 1,
                     (int)ev->start_mark.column + 1, "",
                     "unsupported YAML tag '%s'; only !!str is accepted (write values "
                     "plainly)", (const char *)tag);
}

/* Attaches a finished node to the open collection (or makes it the root). */
static int attach(builder *b, size_t *fills, mps_ynode *n)
{
    if (b->depth == 0) {
        b->tree->root = n;
        return MPSIM_OK;
    }
    return push_item(b->stack[b->depth - 1], &fills[b->depth - 1], n);
}

static int register_anchor(builder *b, const yaml_char_t *name, mps_ynode *n, int open)
{
    if (name == NULL)
        return MPSIM_OK;
    if (b->n_anchors == b->cap_anchors) {
        size_t cap = b->cap_anchors ? 2 * b->cap_anchors : 8;
        anchor *a = realloc(b->anchors, cap * sizeof *a);
        if (a == NULL)
            return MPSIM_ERR_FAIL;
        b->anchors = a;
        b->cap_anchors = cap;
    }
    char *copy = mps_strdup((const char *)name);
    if (copy == NULL)
        return MPSIM_ERR_FAIL;
    b->anchors[b->n_anchors].name = copy;
    b->anchors[b->n_anchors].node = n;
    b->anchors[b->n_anchors].open = open;
    b->n_anchors++;
    return MPSIM_OK;
}

static anchor *find_anchor(builder *b, const char *name)
{
    /* YAML lets an anchor be redefined; an alias names the latest one. */
    for (size_t i = b->n_anchors; i-- > 0;)
        if (strcmp(b->anchors[i].name, name) == 0)
            return &b->anchors[i];
    return NULL;
}

static void close_anchor(builder *b, mps_ynode *n)
{
    for (size_t i = b->n_anchors; i-- > 0;)
        if (b->anchors[i].node == n)
            b->anchors[i].open = 0;
}

/* Explicit tags: !!str (and the non-specific "!") make a string; !!map and
 * !!seq are harmless on their collections; anything else is refused rather
 * than guessed at. */
static int tag_ok(const yaml_char_t *tag, const char *allowed)
{
    if (tag == NULL)
        return 1;
    const char *t = (const char *)tag;
    return strcmp(t, "!") == 0 || strcmp(t, allowed) == 0;
}

static int syntax_error(builder *b, yaml_parser_t *p)
{
    int line, column;
    if (p->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset, not a mark. */
        line = 1;
        column = 1;
        for (size_t i = 0; i < p->problem_offset && i < b->len; i++) {
            if (b->text[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
    } else {
        line = (int)p->problem_mark.line + 1;
        column = (int)p->problem_mark.column + 1;
    }
    if (p->error == YAML_MEMORY_ERROR)
        return MPSIM_ERR_FAIL;
    char *detail = NULL;
    const char *hint = "";
    if (p->error != YAML_READER_ERROR && p->problem_mark.index < b->len &&
        b->text[p->problem_mark.index] == '\t')
        hint = "; tabs cannot indent YAML, use spaces";
    if (p->context != NULL)
        detail = mps_asprintf(" (%s at line %d, column %d)%s", p->context,
                              (int)p->context_mark.line + 1, (int)p->context_mark.column + 1, hint);
    else
        detail = mps_asprintf("%s", hint);
    mpsim_errors_add(b->errs, b->file, line, column, "", "YAML syntax error: %s%s",
                     p->problem ? p->problem : "unknown problem", detail ? detail : "");
    free(detail);
    return MPSIM_ERR_INPUT;
}

static int on_alias(builder *b, size_t *fills, const yaml_event_t *ev)
{
    int line = (int)ev->start_mark.line + 1, column = (int)ev->start_mark.column + 1;
    const char *name = (const char *)ev->data.alias.anchor;
    anchor *a = find_anchor(b, name);
    if (a == NULL) {
        mpsim_errors_add(b->errs, b->file, line, column, "",
                         "alias '*%s' names no anchor defined before it (write '&%s' on a "
                         "node above)", name, name);
        return MPSIM_ERR_INPUT;
    }
    if (a->open) {
        mpsim_errors_add(b->errs, b->file, line, column, "",
                         "alias '*%s' refers to a node that contains it (a recursive alias)",
                         name);
        return MPSIM_ERR_INPUT;
    }
    b->alias_nodes = sat_add(b->alias_nodes, a->node->weight);
    if (b->alias_nodes > MPS_YAML_MAX_ALIAS_NODES) {
        mpsim_errors_add(b->errs, b->file, line, column, "",
                         "aliases expand to more than %d nodes (an alias bomb?); "
                         "the limit was reached at alias '*%s'",
                         MPS_YAML_MAX_ALIAS_NODES, name);
        return MPSIM_ERR_INPUT;
    }
    if (b->depth + a->node->height > MPS_YAML_MAX_DEPTH) {
        mpsim_errors_add(b->errs, b->file, line, column, "",
                         "nesting deeper than %d levels (through alias '*%s')",
                         MPS_YAML_MAX_DEPTH, name);
        return MPSIM_ERR_INPUT;
    }
    return attach(b, fills, a->node);
}

static int on_scalar(builder *b, size_t *fills, const yaml_event_t *ev)
{
    if (!tag_ok(ev->data.scalar.tag, "tag:yaml.org,2002:str")) {
        tag_error(b, ev, ev->data.scalar.tag);
        return MPSIM_ERR_INPUT;
    }
    mps_ynode *n = new_node(b, MPS_YNODE_SCALAR, ev->start_mark);
    if (n == NULL)
        return MPSIM_ERR_FAIL;
    n->len = ev->data.scalar.length;
    n->text = malloc(n->len + 1);
    if (n->text == NULL)
        return MPSIM_ERR_FAIL;
    memcpy(n->text, ev->data.scalar.value, n->len);
    n->text[n->len] = '\0';
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && ev->data.scalar.tag == NULL;
    if (register_anchor(b, ev->data.scalar.anchor, n, 0) != MPSIM_OK)
        return MPSIM_ERR_FAIL;
    return attach(b, fills, n);
}

static int on_start(builder *b, size_t **fills, size_t *cap, const yaml_event_t *ev,
                    mps_ynode_type type)
{
    const yaml_char_t *tag = type == MPS_YNODE_MAPPING ? ev->data.mapping_start.tag
                                                      : ev->data.sequence_start.tag;
    const yaml_char_t *anc = type == MPS_YNODE_MAPPING ? ev->data.mapping_start.anchor
                                                      : ev->data.sequence_start.anchor;
    int line = (int)ev->start_mark.line + 1, column = (int)ev->start_mark.column + 1;
    if (!tag_ok(tag, type == MPS_YNODE_MAPPING ? "tag:yaml.org,2002:map"
                                               : "tag:yaml.org,2002:seq")) {
        tag_error(b, ev, tag);
        return MPSIM_ERR_INPUT;
    }
    if (b->depth + 1 > MPS_YAML_MAX_DEPTH) {
        mpsim_errors_add(b->errs, b->file, line, column, "",
                         "nesting deeper than %d levels; a scenario needs far fewer",
                         MPS_YAML_MAX_DEPTH);
        return MPSIM_ERR_INPUT;
    }
    mps_ynode *n = new_node(b, type, ev->start_mark);
    if (n == NULL)
        return MPSIM_ERR_FAIL;
    if (register_anchor(b, anc, n, 1) != MPSIM_OK)
        return MPSIM_ERR_FAIL;
    if ((size_t)b->depth == *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        mps_ynode **st = realloc(b->stack, c * sizeof *st);
        if (st == NULL)
            return MPSIM_ERR_FAIL;
        b->stack = st;
        size_t *f = realloc(*fills, c * sizeof *f);
        if (f == NULL)
            return MPSIM_ERR_FAIL;
        *fills = f;
        *cap = c;
    }
    b->stack[b->depth] = n;
    (*fills)[b->depth] = 0;
    b->depth++;
    return MPSIM_OK;
}

static int on_end(builder *b, size_t *fills)
{
    mps_ynode *n = b->stack[--b->depth];
    close_anchor(b, n);
    return attach(b, fills, n);
}

int mps_ytree_parse(const char *text, size_t len, const char *file, mps_ytree *out,
                    mpsim_errors *errs)
{
    out->root = NULL;
    out->all = NULL;
    builder b;
    memset(&b, 0, sizeof b);
    b.tree = out;
    b.file = file;
    b.errs = errs;
    b.text = text;
    b.len = len;
    size_t *fills = NULL, cap = 0;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return MPSIM_ERR_FAIL;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);

    int rc = MPSIM_OK, done = 0;
    while (rc == MPSIM_OK && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = syntax_error(&b, &p);
            break;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++b.documents > 1) {
                mpsim_errors_add(errs, file, (int)ev.start_mark.line + 1,
                                 (int)ev.start_mark.column + 1, "",
                                 "a second YAML document starts here; a scenario file "
                                 "holds exactly one document");
                rc = MPSIM_ERR_INPUT;
            }
            break;
        case YAML_SCALAR_EVENT:
            rc = on_scalar(&b, fills, &ev);
            break;
        case YAML_ALIAS_EVENT:
            rc = on_alias(&b, fills, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            rc = on_start(&b, &fills, &cap, &ev, MPS_YNODE_SEQUENCE);
            break;
        case YAML_MAPPING_START_EVENT:
            rc = on_start(&b, &fills, &cap, &ev, MPS_YNODE_MAPPING);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            rc = on_end(&b, fills);
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    for (size_t i = 0; i < b.n_anchors; i++)
        free(b.anchors[i].name);
    free(b.anchors);
    free(b.stack);
    free(fills);
    if (rc == MPSIM_ERR_FAIL)
        mpsim_errors_add(errs, file, 0, 0, "", "out of memory while reading the YAML");
    return rc;
}

mps_ynode *mps_ytree_new_collection(mps_ytree *arena, mps_ynode_type type, const mps_ynode *at)
{
    mps_ynode *n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    n->type = type;
    if (at != NULL) {
        n->line = at->line;
        n->column = at->column;
        n->file = at->file;
    }
    n->weight = 1;
    n->next_alloc = arena->all;
    arena->all = n;
    return n;
}

/* The children are shared with the trees they came from and never written
 * through these pointers; the casts only fit them into the items array. */
int mps_ynode_append(mps_ynode *seq, const mps_ynode *child)
{
    size_t fill = seq->n;
    return push_item(seq, &fill, (mps_ynode *)(uintptr_t)child);
}

int mps_ynode_append_pair(mps_ynode *map, const mps_ynode *key, const mps_ynode *value)
{
    size_t fill = 2 * map->n;
    if (push_item(map, &fill, (mps_ynode *)(uintptr_t)key) != MPSIM_OK)
        return MPSIM_ERR_FAIL;
    return push_item(map, &fill, (mps_ynode *)(uintptr_t)value);
}

void mps_ytree_free(mps_ytree *t)
{
    if (t == NULL)
        return;
    mps_ynode *n = t->all;
    while (n != NULL) {
        mps_ynode *next = n->next_alloc;
        free(n->text);
        free(n->items);
        free(n);
        n = next;
    }
    t->all = NULL;
    t->root = NULL;
}
