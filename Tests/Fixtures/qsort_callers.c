/* qsort (libc, no frame pointers) calls back into the program from two
 * callers: sort_big sorts three times as much as sort_small. Built without
 * frame pointers by the unwinding tests. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static volatile uint64_t sink;

__attribute__((noinline)) static int compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	/* a little work per comparison, so the callback holds the samples */
	for (int i = 0; i < 20; i++)
		sink += (x ^ y) >> (i & 7);
	return x < y ? -1 : x > y;
}

static void fill(uint64_t *v, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		v[i] = seed >> 11;
	}
}

__attribute__((noinline)) static void sort_big(uint64_t *v, size_t n, int rounds)
{
	for (int r = 0; r < 3 * rounds; r++) {
		fill(v, n, (uint64_t)r + 1);
		qsort(v, n, sizeof(*v), compare);
	}
}

__attribute__((noinline)) static void sort_small(uint64_t *v, size_t n, int rounds)
{
	for (int r = 0; r < rounds; r++) {
		fill(v, n, (uint64_t)r + 7);
		qsort(v, n, sizeof(*v), compare);
	}
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	size_t n = 100000;
	uint64_t *v = malloc(n * sizeof(*v));
	/* interleaved, so a machine that slows down meanwhile (a shared VM
	 * drifts by tens of percent) slows both callers alike: samples count
	 * time, the 3:1 is work */
	volatile int one = 1; /* not a constant: no sort_big.constprop clone */
	for (int r = 0; r < rounds; r++) {
		sort_big(v, n, one);
		sort_small(v, n, one);
	}
	free(v);
	return 0;
}
