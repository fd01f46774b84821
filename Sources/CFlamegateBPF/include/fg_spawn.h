#ifndef FG_SPAWN_H
#define FG_SPAWN_H
#include <sys/resource.h>
#include <sys/types.h>

/* Launching a target that is held before execve until every probe is attached,
 * so its first instruction is observable. Written in C because only
 * async-signal-safe calls may run between fork and exec in a threaded process. */
struct fg_spawn_opts {
	const char *path;     /* resolved executable */
	char *const *argv;    /* NULL-terminated */
	char *const *envp;    /* NULL-terminated */
	const char *cwd;      /* NULL: inherit */
	int stdin_fd;         /* -1: inherit */
	int stdout_fd;        /* -1: inherit */
	int stderr_fd;        /* -1: inherit */
};

/* Forks a child in its own process group that waits before exec.
 * *release_fd is written by fg_spawn_release. */
int fg_spawn_held(const struct fg_spawn_opts *opts, pid_t *pid, int *release_fd, int *error_fd);
/* Lets the held child exec. Returns 0 once execve succeeded, or the child's
 * -errno when execve failed (the child has then exited with 127). */
int fg_spawn_release(int release_fd, int error_fd);
/* wait4 on the child, retrying on EINTR. *status is the wait(2) status. */
int fg_spawn_wait(pid_t pid, int *status, struct rusage *usage, int nohang);
/* Decoding of wait(2) statuses for Swift, which cannot use the macros. */
int fg_status_exited(int status);
int fg_status_exit_code(int status);
int fg_status_signaled(int status);
int fg_status_signal(int status);

/* A pidfd of `pid` (Linux 5.3+): readable once the process has exited. -errno on failure. */
int fg_pidfd_open(pid_t pid);

#endif
