#include "fg_reset_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>

#include "fg_maps.h"

static int listed(const char *name, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

int fg_object_reset(const struct bpf_object *obj, const char *const *keep, size_t nkeep)
{
	/* the tracker's maps, shared by every probe object: the tracker resets them */
	static const char *const shared[] = { "tracked", "stacks", "unwind_rows", "unwind_files",
					      "unwind_requests", "unwind_stats", "unwind_spaces" };
	struct bpf_map *map;
	if (!obj)
		return -EINVAL;
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		enum bpf_map_type type = bpf_map__type(map);
		/* .rodata/.bss hold settings; ring buffers are drained, not cleared */
		if (bpf_map__is_internal(map) || type == BPF_MAP_TYPE_RINGBUF || listed(name, shared, sizeof(shared) / sizeof(shared[0])) ||
		    listed(name, keep, nkeep))
			continue;
		int fd = bpf_map__fd(map);
		if (fd < 0)
			continue;
		int err = fg_map_clear(fd);
		if (err)
			return err;
	}
	return 0;
}
