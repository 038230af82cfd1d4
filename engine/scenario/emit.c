/*
 * A YAML tree written back out as text with libyaml's emitter: the
 * resolved scenario that `mpsim validate --resolved` prints and the results
 * file keeps.  The text must read back as the same scenario, so a scalar
 * keeps what decides its meaning under the core schema: one written plain
 * is emitted plain (so 60 stays a number and null stays null), one written
 * quoted or tagged !!str is emitted quoted (so "60" stays text).  Comments,
 * anchors and the layout of the original files are not kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scenario/extends.h"

typedef struct {
    char *buf;
    size_t len, cap;
} sink;

static int write_out(void *data, unsigned char *buffer, size_t size)
{
    sink *o = data;
    if (o->len + size + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + size + 1)
            cap *= 2;
        char *b = realloc(o->buf, cap);
        if (b == NULL)
            return 0;
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, buffer, size);
    o->len += size;
    o->buf[o->len] = '\0';
    return 1;
}

/* A list of non-empty scalars reads best on one line, as it was usually
 * written ([20, 40, 40]); an empty plain scalar (a null) would be quoted in
 * flow style, changing its meaning, so such a list stays in block style. */
static int flow_list(const mps_ynode *n)
{
    if (n->n == 0)
        return 0;
    for (size_t i = 0; i < n->n; i++)
        if (n->items[i]->type != MPS_YNODE_SCALAR || n->items[i]->len == 0)
            return 0;
    return 1;
}

/* A distribution reads best on one line too ({dist: lognormal, median: 25,
 * p90: 90}), when its values are all non-empty scalars. */
static int flow_dist(const mps_ynode *n)
{
    if (mps_map_get(n, "dist", NULL) == NULL)
        return 0;
    for (size_t i = 0; i < 2 * n->n; i++)
        if (n->items[i]->type != MPS_YNODE_SCALAR || n->items[i]->len == 0)
            return 0;
    return 1;
}

static int emit_node(yaml_emitter_t *e, const mps_ynode *n)
{
    yaml_event_t ev;
    int ok;
    switch (n->type) {
    case MPS_YNODE_SCALAR: {
        const char *text = n->text;
        size_t len = n->len;
        if (n->plain && len == 0) {
            text = "null"; /* the same null, written so that no context can quote it */
            len = 4;
        }
        if (len > INT32_MAX)
            return 0;
        /* Plain: both implicit flags, so that the emitter may still quote a
         * plain string it cannot write plainly (same meaning: text).
         * Quoted: never plain. */
        ok = yaml_scalar_event_initialize(
            &ev, NULL, NULL, (yaml_char_t *)(uintptr_t)text, (int)len, n->plain, 1,
            n->plain ? YAML_PLAIN_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
        return ok && yaml_emitter_emit(e, &ev);
    }
    case MPS_YNODE_SEQUENCE:
        ok = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                  flow_list(n) ? YAML_FLOW_SEQUENCE_STYLE
                                                               : YAML_BLOCK_SEQUENCE_STYLE);
        if (!ok || !yaml_emitter_emit(e, &ev))
            return 0;
        for (size_t i = 0; i < n->n; i++)
            if (!emit_node(e, n->items[i]))
                return 0;
        return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
    case MPS_YNODE_MAPPING:
        ok = yaml_mapping_start_event_initialize(
            &ev, NULL, NULL, 1, flow_dist(n) ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
        if (!ok || !yaml_emitter_emit(e, &ev))
            return 0;
        for (size_t i = 0; i < 2 * n->n; i++)
            if (!emit_node(e, n->items[i]))
                return 0;
        return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
    }
    return 0;
}

int mps_yaml_emit(const mps_ynode *root, char **out)
{
    *out = NULL;
    sink o = {NULL, 0, 0};
    yaml_emitter_t e;
    if (!yaml_emitter_initialize(&e))
        return MPSIM_ERR_FAIL;
    yaml_emitter_set_output(&e, write_out, &o);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_width(&e, -1); /* no folding of long lines */
    yaml_emitter_set_indent(&e, 2);
    yaml_event_t ev;
    int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
             yaml_emitter_emit(&e, &ev) &&
             yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
             yaml_emitter_emit(&e, &ev) && emit_node(&e, root) &&
             yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&e, &ev) &&
             yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&e, &ev) &&
             yaml_emitter_flush(&e);
    yaml_emitter_delete(&e);
    if (!ok || o.buf == NULL) {
        free(o.buf);
        return MPSIM_ERR_FAIL;
    }
    *out = o.buf;
    return MPSIM_OK;
}
