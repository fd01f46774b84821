/* The bundled example for `make demo`: a tiny "request server" whose two
 * worker threads parse, hash and sort requests, so the profile shows user
 * functions, libc and libm frames, and a little kernel time.
 * Usage: hotspots [requests]   (default 20000) */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEMS 512

struct request {
	char body[ITEMS * 8];
	double values[ITEMS];
};

__attribute__((noinline)) static unsigned parse_request(struct request *r, unsigned seed)
{
	unsigned n = 0;
	for (int i = 0; i < ITEMS; i++) {
		seed = seed * 1103515245u + 12345u;
		n += (unsigned)snprintf(r->body + i * 8, 8, "%06u", seed % 1000000u);
	}
	return n;
}

__attribute__((noinline)) static double score_request(struct request *r)
{
	double total = 0;
	for (int i = 0; i < ITEMS; i++) {
		r->values[i] = sqrt((double)atoi(r->body + i * 8)) * log1p(i);
		total += r->values[i];
	}
	return total;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

__attribute__((noinline)) static void rank_results(struct request *r)
{
	qsort(r->values, ITEMS, sizeof(double), by_value);
}

static void *worker(void *arg)
{
	long requests = (long)arg;
	struct request *r = malloc(sizeof(*r));
	double sum = 0;
	pthread_setname_np(pthread_self(), "hot-worker");
	for (long i = 0; i < requests; i++) {
		parse_request(r, (unsigned)i);
		sum += score_request(r);
		rank_results(r);
	}
	free(r);
	return (void *)(long)(sum > 0);
}

int main(int argc, char **argv)
{
	long requests = argc > 1 ? atol(argv[1]) : 20000;
	pthread_t threads[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, worker, (void *)(requests / 2));
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	printf("served %ld requests\n", requests);
	return 0;
}
