#ifndef FG_TRACKER_SHIM_H
#define FG_TRACKER_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "../../../bpf/tracker.h"
#include "fg_unwind.h"
#include "../../../bpf/python.h"

/* The process-tree tracker: owns the `tracked` and `stacks` maps that all
 * probes share, and the lifecycle event stream. */
struct fg_tracker;

struct fg_tracker_config {
	uint32_t max_tracked; /* processes tracked at once */
	uint32_t max_stacks;  /* distinct stacks stored, all probes together */
	uint32_t max_unwind_rows; /* unwind-table rows of all files together; 0: the default */
	uint32_t no_unwind_tables; /* build no table: frame pointers only (to measure what tables cost) */
};

/* Opens, loads and attaches the tracker. */
int fg_tracker__open(const struct fg_tracker_config *cfg, struct fg_tracker **out);
/* Starts tracking `tgid` (the launched target, before it is released). */
int fg_tracker__track(struct fg_tracker *t, uint32_t tgid);
int fg_tracker__tracked_fd(const struct fg_tracker *t);
int fg_tracker__stacks_fd(const struct fg_tracker *t);
int fg_tracker__stats_fd(const struct fg_tracker *t);
/* The unwinder's counters (per-CPU, slots of enum fg_unwind_stat). */
int fg_tracker__unwind_stats_fd(const struct fg_tracker *t);
/* Builds and loads the unwind table of a file before any target runs it. */
int fg_tracker__unwind_prepare(struct fg_tracker *t, const char *path);
void fg_tracker__unwind_usage(const struct fg_tracker *t, struct fg_unwind_usage *out);
/* Consumes pending lifecycle events (waiting up to timeout_ms for the first,
 * or for `wake_fd` to become readable: the target's pidfd, so its exit ends
 * the wait at once; -1 for none) into an internal buffer; *events points at
 * them until the next call. */
int fg_tracker__poll(struct fg_tracker *t, int wake_fd, int timeout_ms, const struct fg_proc_event **events,
		     size_t *count);
/* Reads one stored stack; -ENOENT when the hash is unknown. */
int fg_tracker__stack(const struct fg_tracker *t, uint64_t hash, struct fg_stack *out);
void fg_tracker__destroy(struct fg_tracker *t);

/* CPython frames (bpf/python.h): where the interpreter of `tgid` is, or NULL
 * to forget it. */
int fg_tracker__python_set(struct fg_tracker *t, uint32_t tgid, const struct fg_py_proc *proc);
/* The interpreter in the file at `path`: the kernel side locates it in every
 * process that maps the file (bpf/python.h, py_files). */
int fg_tracker__python_file(struct fg_tracker *t, const char *path, const struct fg_py_file *file);
struct fg_py_code_entry {
	struct fg_py_code_key key;
	struct fg_py_code code;
};
/* Every code object the walk named, in a malloc'ed array the caller frees. */
int fg_tracker__python_codes(const struct fg_tracker *t, struct fg_py_code_entry **out, size_t *count);
/* The walk's counters, summed over CPUs (slots of enum fg_py_stat). */
int fg_tracker__python_stats(const struct fg_tracker *t, uint64_t out[FG_PY_STAT_MAX]);

/* Between two runs: untracks everything, empties the stack store and the
 * counters, and discards pending events; the programs stay attached. */
int fg_tracker__reset(struct fg_tracker *t);

#endif
