/* ABI shared by sched.bpf.c and user space: run-queue latency (wakeup or
 * preemption to running again) of tracked threads, switches, migrations. */
#ifndef FG_SCHED_H
#define FG_SCHED_H

#include "hist.h"

enum fg_sched_stat {
	FG_SCHED_VOLUNTARY = 0,   /* switched out while blocking */
	FG_SCHED_INVOLUNTARY = 1, /* preempted while runnable */
	FG_SCHED_MIGRATIONS = 2,  /* moved to another CPU */
	FG_SCHED_WAKEUPS = 3,
	FG_SCHED_QUEUED_FULL = 4, /* `queued` map full: a latency was lost */
	FG_SCHED_STAT_MAX = 5,
};

#endif
