#ifndef FG_SCHED_SHIM_H
#define FG_SCHED_SHIM_H
#include <linux/types.h>
#include "../../../bpf/sched.h"

struct fg_tracker;
/* Run-queue latency, switches and migrations of tracked threads. */
struct fg_sched;

int fg_sched__open(const struct fg_tracker *tracker, struct fg_sched **out);
int fg_sched__runq_fd(const struct fg_sched *p);
int fg_sched__stats_fd(const struct fg_sched *p);
void fg_sched__destroy(struct fg_sched *p);

/* Empties the maps between two runs; the programs stay attached. */
int fg_sched__reset(struct fg_sched *p);

#endif
