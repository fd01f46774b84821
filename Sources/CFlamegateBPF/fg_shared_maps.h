/* Points an object's `tracked`, `stacks` and `snapshots` maps at the
 * tracker's before load, so all probes share one process tree and one stack
 * store (and no object allocates its own copy). */
#ifndef FG_SHARED_MAPS_H
#define FG_SHARED_MAPS_H
#include <bpf/libbpf.h>
#include "fg_tracker.h"

static inline int fg_share_tracker_maps(struct bpf_map *tracked, struct bpf_map *stacks,
					struct bpf_map *snapshots, const struct fg_tracker *tracker)
{
	int err = bpf_map__reuse_fd(tracked, fg_tracker__tracked_fd(tracker));
	if (!err)
		err = bpf_map__reuse_fd(stacks, fg_tracker__stacks_fd(tracker));
	return err ? err : bpf_map__reuse_fd(snapshots, fg_tracker__snapshots_fd(tracker));
}

#endif
