#include "fg_reset_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fg_maps.h"

/* Hash-like maps: every key is collected first (deleting while walking
 * restarts the walk), then deleted; a key already gone is not an error. */
static int clear_hash(int fd, const struct bpf_map_info *info)
{
	size_t cap = info->max_entries ? info->max_entries : 1;
	char *keys = malloc(cap * info->key_size);
	if (!keys)
		return -ENOMEM;
	size_t n = 0;
	char *prev = NULL;
	while (n < cap) {
		char *next = keys + n * info->key_size;
		int err = bpf_map_get_next_key(fd, prev, next);
		if (err == -ENOENT)
			break;
		if (err) {
			free(keys);
			return err;
		}
		prev = next;
		n++;
	}
	int result = 0;
	for (size_t i = 0; i < n; i++) {
		int err = bpf_map_delete_elem(fd, keys + i * info->key_size);
		if (err && err != -ENOENT && !result)
			result = err;
	}
	free(keys);
	return result;
}

/* Arrays cannot lose elements: every slot is written with zeros (one value
 * per possible CPU for per-CPU arrays, each rounded up to 8 bytes). */
static int clear_array(int fd, const struct bpf_map_info *info, int percpu)
{
	int ncpu = percpu ? libbpf_num_possible_cpus() : 1;
	if (ncpu < 0)
		return ncpu;
	size_t size = percpu ? (size_t)ncpu * ((info->value_size + 7) / 8 * 8) : info->value_size;
	void *zeros = calloc(1, size);
	if (!zeros)
		return -ENOMEM;
	int result = 0;
	for (__u32 key = 0; key < info->max_entries && !result; key++)
		result = bpf_map_update_elem(fd, &key, zeros, BPF_ANY);
	free(zeros);
	return result;
}

int fg_map_clear(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
		return -errno;
	switch (info.type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return clear_hash(fd, &info);
	case BPF_MAP_TYPE_ARRAY:
		return clear_array(fd, &info, 0);
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return clear_array(fd, &info, 1);
	default:
		return -EOPNOTSUPP;
	}
}

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
	static const char *const shared[] = { "tracked", "stacks", "snapshots" };
	struct bpf_map *map;
	if (!obj)
		return -EINVAL;
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		enum bpf_map_type type = bpf_map__type(map);
		/* .rodata/.bss hold settings; ring buffers are drained, not cleared */
		if (bpf_map__is_internal(map) || type == BPF_MAP_TYPE_RINGBUF || listed(name, shared, 3) ||
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
