/* CPU time spent in a signal handler: ITIMER_PROF fires every millisecond of
 * CPU and the handler burns about 1 ms in in_handler; main_loop burns the rest.
 * A sample in in_handler must unwind through the signal trampoline
 * (__restore_rt) to main_loop. Built without frame pointers by the tests. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static volatile uint64_t sink;

__attribute__((noinline)) static void in_handler(void)
{
	for (int i = 0; i < 1000000; i++)
		sink += (uint64_t)i * 2654435761u;
}

static void on_prof(int sig)
{
	(void)sig;
	in_handler();
}

__attribute__((noinline)) static void main_loop(double seconds)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		for (int i = 0; i < 100000; i++)
			sink ^= (uint64_t)i << (i & 15);
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 < seconds);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_prof;
	sigaction(SIGPROF, &sa, NULL);
	struct itimerval t = { { 0, 1000 }, { 0, 1000 } };
	setitimer(ITIMER_PROF, &t, NULL);
	main_loop(argc > 1 ? atof(argv[1]) : 1.0);
	return 0;
}
