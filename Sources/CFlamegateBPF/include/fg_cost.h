#ifndef FG_COST_SHIM_H
#define FG_COST_SHIM_H
#include <stdint.h>

/* What flamegate's own BPF programs cost: the kernel's run-time statistics
 * (the count of runs and the nanoseconds spent in them, summed over every
 * program of a probe and every CPU). The kernel only counts while statistics
 * are on: fg_cost__enable turns them on for as long as the returned fd stays
 * open (BPF_ENABLE_STATS; the kernel.bpf_stats_enabled sysctl does the same
 * system-wide). */
struct fg_prog_cost {
	uint64_t run_ns;
	uint64_t run_cnt;
	uint32_t programs; /* loaded programs summed */
};

/* An fd keeping run-time statistics on, or -errno. */
int fg_cost__enable(void);

struct fg_tracker;
struct fg_alloc;
int fg_tracker__cost(const struct fg_tracker *p, struct fg_prog_cost *out);
int fg_alloc__cost(const struct fg_alloc *p, struct fg_prog_cost *out);

#endif
