/*
 * Builders for the stream names listed in stream_names.h (and the two
 * declared in stream.h).  They format and hash, so callers compute keys once
 * when preparing a model, never per path.
 */
#include "random/stream_names.h"

#include "random/stream.h"

uint64_t mps_key_project(const char *project_id, const char *purpose)
{
    return mps_stream_keyf("project/%s/%s", project_id ? project_id : "",
                           purpose ? purpose : "");
}

uint64_t mps_key_gate(const char *project_id, int after, int nth)
{
    const char *id = project_id ? project_id : "";
    /* The first gate after a build year keeps the short name, so a scenario
     * that adds a second gate there leaves the first one's draws alone. */
    if (nth == 0)
        return mps_stream_keyf("project/%s/gate/%d", id, after);
    return mps_stream_keyf("project/%s/gate/%d/%d", id, after, nth);
}

uint64_t mps_key_economy_regime(void)
{
    return mps_stream_key("economy/regime");
}

uint64_t mps_key_economy_multiplier(const char *category, const char *regime)
{
    const char *cat = category ? category : "";
    if (!regime)
        return mps_stream_keyf("economy/multiplier/%s", cat);
    return mps_stream_keyf("economy/multiplier/%s/%s", cat, regime);
}

uint64_t mps_key_economy_crowding_in(void)
{
    return mps_stream_key("economy/crowding_in");
}

uint64_t mps_key_funding_cut(void)
{
    return mps_stream_key("funding/cut");
}

uint64_t mps_key_sweep_lhs(const char *purpose)
{
    return mps_stream_keyf("sweep/lhs/%s", purpose ? purpose : "");
}

uint64_t mps_key_sensitivity(const char *purpose)
{
    return mps_stream_keyf("sensitivity/%s", purpose ? purpose : "");
}
