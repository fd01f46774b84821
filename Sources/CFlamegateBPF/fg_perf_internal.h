/* perf_event_open(2), which libc does not wrap: one call for every probe. */
#ifndef FG_PERF_INTERNAL_H
#define FG_PERF_INTERNAL_H

#include <errno.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* Opens the event `attr` describes (its size filled in here) with close-on-exec;
 * returns the fd, or -errno. */
static inline int fg_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd)
{
	attr->size = sizeof(*attr);
	int fd = (int)syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

#endif
