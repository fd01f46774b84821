#ifndef FG_MMAPTRACK_H
#define FG_MMAPTRACK_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Records every executable mapping, exec and comm change of a process tree as
 * it happens (perf's PERF_RECORD_MMAP2/COMM side-band on a dummy software
 * event, inherited by threads and children), so symbolization never depends on
 * /proc/PID/maps after the process is gone. */
struct fg_mmaptrack;

enum fg_map_record_kind {
	FG_REC_MMAP = 1,
	FG_REC_COMM = 2, /* comm_exec set: the process exec'd */
	FG_REC_FORK = 3,
	FG_REC_EXIT = 4,
	FG_REC_LOST = 5, /* the kernel dropped `lost` records: ring buffer full */
};

struct fg_map_record {
	uint64_t time_ns; /* CLOCK_MONOTONIC */
	uint64_t seq;     /* arrival order, breaks ties between equal times */
	uint32_t kind;
	uint32_t pid, tid;
	uint32_t prot, flags;
	uint32_t comm_exec;
	uint64_t addr, len, pgoff;
	uint64_t lost;
	uint32_t maj, min;
	uint64_t ino;
	uint8_t build_id[20];
	uint8_t build_id_size; /* 0: the kernel gave maj/min/ino instead */
	const char *name;      /* MMAP: file name; COMM: new comm. Valid until next read */
};

/* Opens one tracking event per online CPU following `pid` and its
 * descendants. Call before the target execs. */
int fg_mmaptrack__open(pid_t pid, size_t pages_per_cpu, struct fg_mmaptrack **out);
/* Reads all pending records into an internal buffer, in time order. */
int fg_mmaptrack__read(struct fg_mmaptrack *m, const struct fg_map_record **records, size_t *count);
void fg_mmaptrack__destroy(struct fg_mmaptrack *m);

#endif
