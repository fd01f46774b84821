/* A pool of workers that wait on a semaphore for jobs (libuv-style) while
 * the main thread computes; then each worker gets one job. `--variant bad`
 * crunches three times as long (after the same `prepare` in both): the
 * workers wait longer too — idle, not contention; the regression is crunch
 * on the main thread. */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS 3

static sem_t jobs;
static volatile uint64_t sink;

static void *worker(void *arg)
{
	(void)arg;
	sem_wait(&jobs);
	sink += 1;
	return NULL;
}

/* the same work in both variants */
__attribute__((noinline)) static uint64_t prepare(uint64_t rounds)
{
	uint64_t x = 1;
	for (uint64_t i = 0; i < rounds; i++)
		x = x * 6364136223846793005ULL + i;
	return x;
}

__attribute__((noinline)) static uint64_t crunch(uint64_t rounds)
{
	uint64_t x = 88172645463325252ULL;
	for (uint64_t i = 0; i < rounds; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

int main(int argc, char **argv)
{
	int bad = argc > 2 && strcmp(argv[1], "--variant") == 0 && strcmp(argv[2], "bad") == 0;
	pthread_t t[WORKERS];
	sem_init(&jobs, 0, 0);
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	sink = prepare(100000000ULL);
	sink += crunch(bad ? 300000000ULL : 100000000ULL);
	for (int i = 0; i < WORKERS; i++)
		sem_post(&jobs);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	return 0;
}
