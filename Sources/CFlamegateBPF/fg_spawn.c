#define _GNU_SOURCE
#include "fg_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Child side: only async-signal-safe calls. Reports a failing step's errno
 * through error_fd and exits 127. */
static void child(const struct fg_spawn_opts *o, int hold_fd, int error_fd)
{
	int err;
	char go;
	sigset_t none;

	setpgid(0, 0);
	/* the parent's mask and ignored signals must not leak into the target */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if ((o->stdin_fd >= 0 && dup2(o->stdin_fd, 0) < 0) ||
	    (o->stdout_fd >= 0 && dup2(o->stdout_fd, 1) < 0) ||
	    (o->stderr_fd >= 0 && dup2(o->stderr_fd, 2) < 0))
		goto fail;
	if (o->cwd && chdir(o->cwd) < 0)
		goto fail;
	/* hold: the parent attaches its probes, then writes one byte */
	ssize_t n;
	do
		n = read(hold_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127); /* parent gave up before releasing */
	close(hold_fd);
	execve(o->path, o->argv, o->envp);
fail:
	err = errno;
	(void)!write(error_fd, &err, sizeof(err));
	_exit(127);
}

int fg_spawn_held(const struct fg_spawn_opts *opts, pid_t *pid, int *release_fd, int *error_fd)
{
	int hold[2], errp[2];
	if (pipe2(hold, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		int err = -errno;
		close(hold[0]);
		close(hold[1]);
		return err;
	}
	pid_t p = fork();
	if (p < 0) {
		int err = -errno;
		close(hold[0]);
		close(hold[1]);
		close(errp[0]);
		close(errp[1]);
		return err;
	}
	if (p == 0) {
		close(hold[1]);
		close(errp[0]);
		child(opts, hold[0], errp[1]);
	}
	/* both sides call setpgid so the group exists whichever runs first */
	setpgid(p, p);
	close(hold[0]);
	close(errp[1]);
	*pid = p;
	*release_fd = hold[1];
	*error_fd = errp[0];
	return 0;
}

int fg_spawn_release(int release_fd, int error_fd)
{
	char go = 1;
	int child_errno = 0;
	ssize_t n;
	int result = 0;
	if (write(release_fd, &go, 1) != 1)
		result = -errno;
	close(release_fd);
	/* EOF: exec succeeded and closed the CLOEXEC pipe */
	do
		n = read(error_fd, &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(error_fd);
	if (n == sizeof(child_errno))
		return -child_errno;
	return result;
}

int fg_spawn_wait(pid_t pid, int *status, struct rusage *usage, int nohang)
{
	pid_t r;
	do
		r = wait4(pid, status, nohang ? WNOHANG : 0, usage);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? 1 : 0; /* 1: still running (nohang) */
}

int fg_status_exited(int status) { return WIFEXITED(status); }
int fg_status_exit_code(int status) { return WEXITSTATUS(status); }
int fg_status_signaled(int status) { return WIFSIGNALED(status); }
int fg_status_signal(int status) { return WTERMSIG(status); }

int fg_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0); /* pidfds are always close-on-exec */
	return fd < 0 ? -errno : fd;
#else
	(void)pid;
	return -ENOSYS;
#endif
}
