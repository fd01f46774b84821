/* A fixed amount of CPU work (for overhead benchmarks): ITERATIONS rounds of
 * integer mixing spread over a few functions, then prints the seconds the
 * work itself took, measured inside the process.
 * Usage: fixedwork [iterations]   (default 300000000) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t stage_a(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + i;
	return x;
}

__attribute__((noinline)) static uint64_t stage_b(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		x ^= (x << 13) ^ (x >> 7) ^ i;
	return x;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 300000000ULL;
	double start = now();
	uint64_t x = 1;
	for (uint64_t done = 0; done < n; done += 100000) {
		x = stage_a(x, 60000);
		x = stage_b(x, 40000);
	}
	sink = x;
	printf("work_seconds %.6f\n", now() - start);
	return 0;
}
