#ifndef FG_MAPS_H
#define FG_MAPS_H
#include <stddef.h>
#include <stdint.h>

/* Copies up to `cap` entries of a hash map into parallel key/value arrays.
 * Returns the number copied, or -errno. Used after the target exits, when the
 * maps no longer change. */
long fg_map_dump(int map_fd, size_t key_size, size_t value_size, void *keys, void *values,
		 size_t cap);

/* Number of entries in a hash map, or -errno. */
long fg_map_count(int map_fd);

/* Sums slot `key` of a per-CPU array of u64 over all possible CPUs. */
int fg_map_percpu_sum(int map_fd, uint32_t key, uint64_t *out);

/* Looks up one element; returns 0, -ENOENT or -errno. */
int fg_map_lookup(int map_fd, const void *key, void *value);

/* Adds or replaces one element; returns 0 or -errno. */
int fg_map_update(int map_fd, const void *key, const void *value);

/* Empties a map: a hash map loses every entry, an array (per-CPU or not) is
 * zeroed. -EOPNOTSUPP for other map types. */
int fg_map_clear(int fd);

/* The most CPUs the per-CPU perf events are opened on. */
#define FG_MAX_CPUS 1024

/* Number of online CPUs the perf_event probes open events on, with their ids. */
int fg_online_cpus(int *cpus, int cap);

#endif
