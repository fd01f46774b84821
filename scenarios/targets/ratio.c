/* CPU burner with a known split: burn_heavy() does 3 units of work for every
 * unit burn_light() does, so their inclusive shares are 75% and 25%.
 * Usage: ratio [milliseconds]   (default 2000) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;

/* each function runs its own loop: a shared helper would be tail-called and
 * vanish from the stacks */
__attribute__((noinline)) void burn_heavy(uint64_t unit)
{
	uint64_t x = sink;
	for (uint64_t i = 0; i < 3 * unit; i++)
		x = x * 6364136223846793005ULL + i;
	sink = x;
}

__attribute__((noinline)) void burn_light(uint64_t unit)
{
	uint64_t x = sink;
	for (uint64_t i = 0; i < unit; i++)
		x = x * 6364136223846793005ULL + i;
	sink = x;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double ms = argc > 1 ? atof(argv[1]) : 2000;
	double end = now() + ms / 1000;
	const uint64_t unit = 200000;
	while (now() < end) {
		burn_heavy(unit);
		burn_light(unit);
	}
	printf("done %llu\n", (unsigned long long)(sink & 0xff));
	return 0;
}
