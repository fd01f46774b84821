#ifndef FG_IO_SHIM_H
#define FG_IO_SHIM_H
#include <stddef.h>
#include <linux/types.h>
#include "../../../bpf/io.h"

struct fg_tracker;
/* Block I/O latency (all devices, attributed where possible) and syscall
 * latency of tracked threads. */
struct fg_io;

/* `syscalls`: names (without sys_enter_) to time, at most FG_IO_MAX_SYSCALLS;
 * attached[i] is set to 0, or -ENOENT when this architecture has no such
 * syscall. */
int fg_io__open(const struct fg_tracker *tracker, const char *const *syscalls, size_t count,
		int *attached, struct fg_io **out);
int fg_io__block_fd(const struct fg_io *p);
int fg_io__syscalls_fd(const struct fg_io *p);
int fg_io__stats_fd(const struct fg_io *p);
void fg_io__destroy(struct fg_io *p);

/* Empties the maps between two runs; the programs stay attached. */
int fg_io__reset(struct fg_io *p);

#endif
