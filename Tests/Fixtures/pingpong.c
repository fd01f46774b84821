/* Two processes bounce one byte over a pair of pipes ROUNDS times: a
 * context switch per message (for the off-CPU/sched/io overhead benchmark).
 * Prints the seconds the exchange took, measured inside.
 * Usage: pingpong [rounds]   (default 100000) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 100000;
	int ab[2], ba[2];
	char c = 'x';
	if (pipe(ab) || pipe(ba))
		return 1;
	pid_t child = fork();
	if (child == 0) {
		for (long i = 0; i < rounds; i++) {
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < rounds; i++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waitpid(child, NULL, 0);
	printf("work_seconds %.6f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
