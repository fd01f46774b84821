/* Case 2 of the reference article, "100% CPU for no reason": an event loop
 * that must fire a timer every 10 ms for DURATION ms.
 * bad: check_timeout() calls gettimeofday() in a tight loop, no sleep;
 * good: poll() with the time left as timeout, then check_timeout().
 * Usage: event_loop [--variant good|bad] [--duration MS] */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static long fired;

static long now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

/* true once the deadline passed */
__attribute__((noinline)) static int check_timeout(long deadline)
{
	struct timeval now;
	gettimeofday(&now, NULL);
	return now.tv_sec * 1000000L + now.tv_usec >= deadline;
}

__attribute__((noinline)) static void handle_timeout(void)
{
	fired++;
}

/* runs until `timers` timeouts fired, one every 10 ms */
__attribute__((noinline)) static void event_loop(int bad, long timers)
{
	long next = now_us() + 10000;
	while (fired < timers) {
		if (!bad) {
			long left = (next - now_us()) / 1000;
			poll(NULL, 0, left > 0 ? (int)left : 0);
		}
		if (check_timeout(next)) {
			handle_timeout();
			next += 10000;
		}
	}
}

int main(int argc, char **argv)
{
	int bad = 0;
	long duration_ms = 400;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--variant"))
			bad = !strcmp(argv[i + 1], "bad");
		else if (!strcmp(argv[i], "--duration"))
			duration_ms = atol(argv[i + 1]);
	}
	event_loop(bad, duration_ms / 10);
	printf("fired %ld timeouts\n", fired);
	return 0;
}
