#include "fg_calibrate.h"

#include <stdint.h>
#include <time.h>

#define WORDS (32 * 1024) /* 256 KiB: misses L1, stays in L2 */
#define STEPS (1u << 23)

static uint64_t buffer[WORDS];

static double thread_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double fg_calibrate(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL, state = 1;
	double start = thread_seconds();
	for (uint32_t i = 0; i < STEPS; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t *slot = &buffer[(state >> 40) & (WORDS - 1)];
		x = (x ^ *slot) * 0xff51afd7ed558ccdULL;
		*slot = x;
	}
	double elapsed = thread_seconds() - start;
	/* keep the work: the result is observable */
	__asm__ volatile("" : : "r"(x) : "memory");
	return elapsed;
}
