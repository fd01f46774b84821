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

long fg_map_count(int map_fd)
{
	/* keys of up to 512 bytes: every map of ours has smaller ones */
	char a[512], b[512];
	char *prev = NULL, *next = a;
	long n = 0;
	for (;;) {
		int err = bpf_map_get_next_key(map_fd, prev, next);
		if (err == -ENOENT)
			return n;
		if (err)
			return err;
		n++;
		prev = next;
		next = next == a ? b : a;
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
