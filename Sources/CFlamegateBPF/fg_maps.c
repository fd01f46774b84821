#include "fg_maps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long fg_map_dump(int map_fd, size_t key_size, size_t value_size, void *keys, void *values,
		 size_t cap)
{
	char *prev = NULL;
	size_t n = 0;
	while (n < cap) {
		char *next = (char *)keys + n * key_size;
		int err = bpf_map_get_next_key(map_fd, prev, next);
		if (err == -ENOENT)
			break;
		if (err)
			return err;
		err = bpf_map_lookup_elem(map_fd, next, (char *)values + n * value_size);
		if (err == -ENOENT) /* deleted between the two calls */
			continue;
		if (err)
			return err;
		prev = next;
		n++;
	}
	return (long)n;
}

/* Walks a hash map's keys into `keys` (cap of them, key_size bytes each),
 * or with keys NULL only counts them, in two alternating buffers. Returns
 * how many, or -errno. */
static long walk_keys(int fd, size_t key_size, char *keys, size_t cap)
{
	char *scratch = keys ? NULL : malloc(2 * key_size);
	if (!keys && !scratch)
		return -ENOMEM;
	char *prev = NULL;
	long n = 0;
	for (;;) {
		if (keys && (size_t)n == cap)
			break;
		char *next = keys ? keys + (size_t)n * key_size : scratch + (size_t)(n % 2) * key_size;
		int err = bpf_map_get_next_key(fd, prev, next);
		if (err == -ENOENT)
			break;
		if (err) {
			n = err;
			break;
		}
		prev = next;
		n++;
	}
	free(scratch);
	return n;
}

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) != 0 ? -errno : 0;
}

long fg_map_count(int map_fd)
{
	struct bpf_map_info info;
	int err = map_info(map_fd, &info);
	return err ? err : walk_keys(map_fd, info.key_size, NULL, 0);
}

/* Hash-like maps: every key is collected first (deleting while walking
 * restarts the walk), then deleted; a key already gone is not an error. */
static int clear_hash(int fd, const struct bpf_map_info *info)
{
	size_t cap = info->max_entries ? info->max_entries : 1;
	char *keys = malloc(cap * info->key_size);
	if (!keys)
		return -ENOMEM;
	long n = walk_keys(fd, info->key_size, keys, cap);
	if (n < 0) {
		free(keys);
		return (int)n;
	}
	int result = 0;
	for (long i = 0; i < n; i++) {
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
	int err = map_info(fd, &info);
	if (err)
		return err;
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

int fg_map_percpu_sum(int map_fd, uint32_t key, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu < 0)
		return ncpu;
	/* per-CPU values are rounded up to 8 bytes each */
	uint64_t *values = calloc((size_t)ncpu, sizeof(uint64_t));
	if (!values)
		return -ENOMEM;
	int err = bpf_map_lookup_elem(map_fd, &key, values);
	if (!err) {
		uint64_t sum = 0;
		for (int i = 0; i < ncpu; i++)
			sum += values[i];
		*out = sum;
	}
	free(values);
	return err;
}

int fg_map_lookup(int map_fd, const void *key, void *value)
{
	return bpf_map_lookup_elem(map_fd, key, value);
}

int fg_map_update(int map_fd, const void *key, const void *value)
{
	return bpf_map_update_elem(map_fd, key, value, BPF_ANY) ? -errno : 0;
}

int fg_online_cpus(int *cpus, int cap)
{
	/* format: "0-3,5,7-8" */
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	if (!f)
		return -errno;
	char line[1024];
	int n = 0;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	char *save = NULL;
	for (char *tok = strtok_r(line, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save)) {
		int lo, hi;
		int k = sscanf(tok, "%d-%d", &lo, &hi);
		if (k == 1)
			hi = lo;
		else if (k != 2)
			return -EINVAL;
		for (int c = lo; c <= hi && n < cap; c++)
			cpus[n++] = c;
	}
	return n;
}
