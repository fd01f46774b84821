/* ABI shared by cpu.bpf.c and user space: on-CPU stack samples. */
#ifndef FG_CPU_H
#define FG_CPU_H

#include "tracker.h"

/* Key of the `counts` map: one entry per thread, address space and stack pair. */
struct fg_cpu_key {
	__u32 tgid;
	__u32 tid;
	__u32 gen;             /* exec generation of tgid when sampled */
	__u32 pad;
	__u64 user_stack;      /* hash into `stacks`, 0 = none */
	__u64 kernel_stack;    /* hash into `stacks`, 0 = none */
	char comm[FG_TASK_COMM_LEN]; /* thread name when sampled */
};

/* Slots of the `stats` per-CPU array: what was sampled and what was lost. */
enum fg_cpu_stat {
	FG_CPU_SAMPLES = 0,          /* samples of tracked tasks */
	FG_CPU_IDLE = 1,             /* samples that hit the idle task */
	FG_CPU_UNTRACKED = 2,        /* samples of other tasks */
	FG_CPU_USER_STACK_ERROR = 3, /* bpf_get_stack failed for the user stack */
	FG_CPU_KERNEL_STACK_ERROR = 4,
	FG_CPU_STACKS_FULL = 5,      /* `stacks` map full: stack lost, sample kept */
	FG_CPU_COUNTS_FULL = 6,      /* `counts` map full: sample dropped */
	FG_CPU_NO_USER_STACK = 7,    /* tracked sample with no user frames (kernel work) */
	FG_CPU_STAT_MAX = 8,
};

_Static_assert(sizeof(struct fg_cpu_key) == 48, "fg_cpu_key ABI");

#endif
