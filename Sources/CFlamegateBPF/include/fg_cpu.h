#ifndef FG_CPU_SHIM_H
#define FG_CPU_SHIM_H
#include <stdint.h>
#include <linux/types.h>
#include "../../../bpf/cpu.h"

struct fg_tracker;
/* The on-CPU sampler: a BPF program on a software cpu-clock event per CPU. */
struct fg_cpu;

struct fg_cpu_config {
	uint32_t frequency_hz;
	uint32_t max_entries; /* distinct (thread, stack) pairs kept */
};

/* Opens and loads the sampler against the tracker's maps and attaches it to
 * one cpu-clock perf event on every online CPU. */
int fg_cpu__open(const struct fg_cpu_config *cfg, const struct fg_tracker *tracker,
		 struct fg_cpu **out);
int fg_cpu__counts_fd(const struct fg_cpu *p);
int fg_cpu__stats_fd(const struct fg_cpu *p);
uint32_t fg_cpu__max_entries(const struct fg_cpu *p);
void fg_cpu__destroy(struct fg_cpu *p);

/* Restarts the sampling timers: call right before the target is released. */
int fg_cpu__restart(struct fg_cpu *p);
/* Empties the maps between two runs; the programs stay attached. */
int fg_cpu__reset(struct fg_cpu *p);

#endif
