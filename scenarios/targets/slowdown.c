/* A target with a slowdown knob: hot_function() does 80% of the work and
 * other_work() 20%; --slowdown PCT adds PCT percent more work to
 * hot_function() only. Used to check that the gate names the function that
 * got slower, and how small a slowdown it detects.
 * Usage: slowdown [--slowdown PCT] [--work N]   (N: rounds, default 100) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile uint64_t sink;

__attribute__((noinline)) void hot_function(uint64_t n)
{
	uint64_t x = sink;
	for (uint64_t i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + i;
	sink = x;
}

__attribute__((noinline)) void other_work(uint64_t n)
{
	uint64_t x = sink;
	for (uint64_t i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + (i ^ 0x5bd1e995);
	sink = x;
}

int main(int argc, char **argv)
{
	double slowdown = 0;
	long rounds = 100;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--slowdown") == 0)
			slowdown = atof(argv[i + 1]);
		else if (strcmp(argv[i], "--work") == 0)
			rounds = atol(argv[i + 1]);
		else {
			fprintf(stderr, "usage: slowdown [--slowdown PCT] [--work N]\n");
			return 2;
		}
	}
	const uint64_t unit = 1000000;
	uint64_t hot = (uint64_t)(4 * unit * (1 + slowdown / 100));
	for (long r = 0; r < rounds; r++) {
		hot_function(hot);
		other_work(unit);
	}
	printf("%llu\n", (unsigned long long)(sink & 1));
	return 0;
}
