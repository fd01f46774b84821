/* ABI shared by tracker.bpf.c and user space: the tracked process tree and the
 * shared stack store every probe writes into. Fixed-width types only. */
#ifndef FG_TRACKER_H
#define FG_TRACKER_H

#define FG_TASK_COMM_LEN 16
#define FG_PATH_LEN 256
/* perf's default kernel.perf_event_max_stack */
#define FG_MAX_STACK_DEPTH 127

/* Value of the `tracked` map, keyed by tgid. `gen` counts the execs the process
 * has done since tracking began, so samples before and after an exec are
 * symbolized against the right address space. */
struct fg_task_info {
	__u32 gen;
	__u32 parent_tgid;
};

/* Value of the `stacks` map, keyed by a 64-bit content hash of the frames.
 * User stacks are unwound in the kernel (unwind.bpf.h) with .eh_frame tables,
 * and with frame pointers where no table covers the code; a frame-pointer step
 * from a leaf that has no frame of its own (a libc syscall wrapper, a function
 * entry where a uprobe fires) loses the leaf's caller: `leaf_return` is the
 * word on top of the user stack when it looks like a return address (it
 * follows a call instruction), so user space can restore that caller when the
 * leaf was not unwound with a table (`flags` lacks FG_STACK_LEAF_BY_TABLE). */
#define FG_STACK_LEAF_BY_TABLE 1U

struct fg_stack {
	__u32 depth;
	__u32 flags;
	__u64 leaf_return;
	__u64 ips[FG_MAX_STACK_DEPTH];
};

enum fg_proc_event_kind {
	FG_PROC_FORK = 1,        /* new process (new tgid) */
	FG_PROC_THREAD = 2,      /* new thread in a tracked process */
	FG_PROC_EXEC = 3,
	FG_PROC_THREAD_EXIT = 4, /* one thread ended */
	FG_PROC_EXIT = 5,        /* last thread ended: the process is gone */
};

struct fg_proc_event {
	__u64 ts_ns;         /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 parent_tgid;   /* FORK: the parent process */
	__u32 gen;           /* exec generation after this event */
	__s32 exit_code;     /* EXIT/THREAD_EXIT: wait(2)-style status */
	__u64 peak_rss_pages; /* EXIT: peak resident set of this exec'd image; 0 = unknown */
	char comm[FG_TASK_COMM_LEN];
	char filename[FG_PATH_LEN]; /* EXEC: the path given to execve */
};

/* Slots of the tracker's `stats` per-CPU array. */
enum fg_tracker_stat {
	FG_TRACKER_EVENTS_LOST = 0,  /* ring buffer full: lifecycle event lost */
	FG_TRACKER_TRACKED_FULL = 1, /* `tracked` map full: a child went untracked */
	FG_TRACKER_STAT_MAX = 2,
};

_Static_assert(sizeof(struct fg_task_info) == 8, "fg_task_info ABI");
_Static_assert(sizeof(struct fg_stack) == 16 + 8 * FG_MAX_STACK_DEPTH, "fg_stack ABI");
_Static_assert(sizeof(struct fg_proc_event) == 40 + FG_TASK_COMM_LEN + FG_PATH_LEN, "fg_proc_event ABI");

#endif
