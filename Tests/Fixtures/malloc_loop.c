/* The alloc probe's overhead benchmark: PAIRS malloc/free pairs of
 * small, varied sizes, timed inside the program (`work_seconds`), then LEAKS
 * 1 MiB buffers that are never freed, so a run also shows whether a mode
 * still finds them. Usage: malloc_loop PAIRS LEAKS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

__attribute__((noinline)) char *alloc_buffer(size_t size)
{
	char *p = malloc(size);
	if (p)
		memset(p, 1, 64);
	return p;
}

__attribute__((noinline)) unsigned process_image(unsigned seed)
{
	char *buf = alloc_buffer(1 << 20);
	unsigned sum = 0;
	for (int i = 0; buf && i < 64; i++)
		sum += (unsigned char)(buf[i] + seed);
	return sum;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long pairs = argc > 1 ? atol(argv[1]) : 1000000;
	int leaks = argc > 2 ? atoi(argv[2]) : 4;
	unsigned sum = 0;
	double start = now();
	for (long i = 0; i < pairs; i++) {
		volatile char *p = malloc(16 + (i & 255));
		p[0] = (char)i;
		sum += p[0];
		free((void *)p);
	}
	double work = now() - start;
	for (int i = 0; i < leaks; i++)
		sum += process_image(i);
	printf("work_seconds %.6f\nchecksum %u\n", work, sum);
	return 0;
}
