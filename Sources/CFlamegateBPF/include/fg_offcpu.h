#ifndef FG_OFFCPU_SHIM_H
#define FG_OFFCPU_SHIM_H
#include <stdint.h>
#include <linux/types.h>
#include "../../../bpf/offcpu.h"

struct fg_tracker;
/* Off-CPU time by blocking stack and waker (sched_switch, sched_wakeup). */
struct fg_offcpu;

struct fg_offcpu_config {
	uint64_t min_block_ns;
	uint32_t max_entries;
	uint32_t capture_wakers;
};

int fg_offcpu__open(const struct fg_offcpu_config *cfg, const struct fg_tracker *tracker,
		    struct fg_offcpu **out);
int fg_offcpu__counts_fd(const struct fg_offcpu *p);
int fg_offcpu__stats_fd(const struct fg_offcpu *p);
uint32_t fg_offcpu__max_entries(const struct fg_offcpu *p);
void fg_offcpu__destroy(struct fg_offcpu *p);

/* Empties the maps between two runs; the programs stay attached. */
int fg_offcpu__reset(struct fg_offcpu *p);

#endif
