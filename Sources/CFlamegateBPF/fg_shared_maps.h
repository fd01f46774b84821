/* Points an object's shared maps (`tracked`, `stacks` and the unwinder's
 * tables, requests and counters) at the tracker's before load, so all probes
 * share one process tree, one stack store and one set of unwind tables (and
 * no object allocates its own copy). */
#ifndef FG_SHARED_MAPS_H
#define FG_SHARED_MAPS_H
#include <bpf/libbpf.h>
#include "fg_tracker.h"

int fg_tracker__shared_fd(const struct fg_tracker *t, const char *name);

static inline int fg_share_tracker_maps(struct bpf_object *obj, const struct fg_tracker *tracker)
{
	static const char *const names[] = { "tracked", "stacks", "unwind_rows", "unwind_files",
					     "unwind_requests", "unwind_stats", "unwind_spaces", "py_procs",
					     "py_files", "py_threads", "py_codes", "py_stats" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, names[i]);
		if (!map)
			continue;
		int err = bpf_map__reuse_fd(map, fg_tracker__shared_fd(tracker, names[i]));
		if (err)
			return err;
	}
	return 0;
}

#endif
