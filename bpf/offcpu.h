/* ABI shared by offcpu.bpf.c and user space: time tracked threads spend off
 * the CPU, by the stack they blocked in and the stack that woke them. */
#ifndef FG_OFFCPU_H
#define FG_OFFCPU_H

#include "tracker.h"

enum fg_task_state {
	FG_STATE_RUNNABLE = 0,      /* preempted: ready, waiting for a CPU */
	FG_STATE_SLEEPING = 1,      /* TASK_INTERRUPTIBLE: locks, sockets, sleeps */
	FG_STATE_UNINTERRUPTIBLE = 2, /* TASK_UNINTERRUPTIBLE: usually disk I/O */
	FG_STATE_IDLE = 3,          /* TASK_IDLE: kernel threads waiting for work */
	FG_STATE_OTHER = 4,         /* stopped, traced, … */
};

struct fg_offcpu_key {
	__u32 tgid;
	__u32 tid;
	__u32 gen;
	__u32 state;               /* enum fg_task_state */
	__u64 user_stack;          /* where it blocked (hashes into `stacks`) */
	__u64 kernel_stack;
	__u64 waker_user_stack;    /* who woke it; 0 when unknown or not tracked */
	__u64 waker_kernel_stack;
	__u32 waker_tgid;          /* 0: woken from interrupt or by an untracked task */
	__u32 waker_gen;
	char comm[FG_TASK_COMM_LEN];
};

struct fg_offcpu_value {
	__u64 total_ns;
	__u64 count;
};

/* Per blocked thread, from switch-out to switch-in. */
struct fg_offcpu_start {
	__u64 ts;
	__u64 user_stack;
	__u64 kernel_stack;
	__u32 state;
	__u32 pad;
};

struct fg_offcpu_waker {
	__u64 user_stack;
	__u64 kernel_stack;
	__u32 tgid;
	__u32 gen;
};

enum fg_offcpu_stat {
	FG_OFFCPU_BLOCKS = 0,       /* off-CPU intervals recorded */
	FG_OFFCPU_SHORT = 1,        /* intervals under min_block_ns, not recorded */
	FG_OFFCPU_STACKS_FULL = 2,  /* interval kept without a stack */
	FG_OFFCPU_STACK_ERRORS = 3,
	FG_OFFCPU_COUNTS_FULL = 4,  /* interval dropped: `offcpu` map full */
	FG_OFFCPU_STARTS_FULL = 5,  /* interval lost: `start` map full */
	FG_OFFCPU_STAT_MAX = 6,
};

_Static_assert(sizeof(struct fg_offcpu_key) == 72, "fg_offcpu_key ABI");
_Static_assert(sizeof(struct fg_offcpu_start) == 32, "fg_offcpu_start ABI");

#endif
