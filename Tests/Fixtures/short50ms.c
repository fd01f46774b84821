/* Runs about 50 ms: libm math, libc formatting and write(2) syscalls, so a
 * profile of it has frames in the program, libc, libm and the kernel. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static double math_work(int n)
{
	double s = 0;
	for (int i = 1; i < n; i++)
		s += cbrt((double)i) * atan2((double)i, 3.0);
	return s;
}

__attribute__((noinline)) static void syscall_work(int fd, int n)
{
	char buf[64];
	for (int i = 0; i < n; i++) {
		int len = snprintf(buf, sizeof(buf), "%d\n", i);
		if (write(fd, buf, (size_t)len) < 0)
			return;
	}
}

int main(void)
{
	int fd = open("/dev/null", O_WRONLY);
	double end = now() + 0.05, s = 0;
	while (now() < end) {
		s += math_work(2000);
		syscall_work(fd, 200);
	}
	close(fd);
	return s > 0 ? 0 : 1;
}
