#ifndef FG_PMU_H
#define FG_PMU_H
#include <linux/perf_event.h> /* PERF_TYPE_HARDWARE, PERF_COUNT_HW_* for Swift */
#include <stdint.h>
#include <sys/types.h>

/* Counting perf events (hardware counters for the pmu probe) on a process
 * tree: opened on the held target before it execs, counting from its exec
 * (enable_on_exec) in every thread and child it creates (inherit). No BPF:
 * the kernel folds each exited thread's counts into the parent event. */
struct fg_pmu;

/* One event to count: perf's type and config (PERF_TYPE_HARDWARE and
 * PERF_COUNT_HW_CPU_CYCLES, …). Events with the same `group` are scheduled on
 * the PMU together, so their ratio (instructions per cycle) covers the same
 * time even when the kernel multiplexes counters. */
struct fg_pmu_event {
	uint32_t type;
	uint32_t group;
	uint64_t config;
};

/* read(2) of one event with PERF_FORMAT_TOTAL_TIME_ENABLED|RUNNING, summed
 * over the threads and children it was inherited by. */
struct fg_pmu_reading {
	uint64_t value;
	uint64_t time_enabled; /* ns it was enabled */
	uint64_t time_running; /* ns it sat on a hardware counter; < enabled when multiplexed */
};

/* Opens `count` events on `pid`. An event the kernel refuses keeps its
 * -errno (fg_pmu__error) while the others count; a group whose first event
 * was refused is led by its next one, and an event refused as a group member
 * is retried on its own. Fails only for bad arguments or memory. */
int fg_pmu__open(pid_t pid, const struct fg_pmu_event *events, int count, struct fg_pmu **out);
/* 0 when event `index` is counting, else the -errno perf_event_open gave. */
int fg_pmu__error(const struct fg_pmu *p, int index);
/* Stops counting (the values stay readable). */
void fg_pmu__stop(struct fg_pmu *p);
/* Reads event `index`; -errno when it was not opened or read(2) failed. */
int fg_pmu__read(const struct fg_pmu *p, int index, struct fg_pmu_reading *out);
void fg_pmu__destroy(struct fg_pmu *p);

#endif
