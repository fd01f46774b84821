/* Four threads contend on one mutex; each holds it while sleeping 10 ms.
 * The time blocked splits 3:1 between waiting for the lock (futex, under
 * take_lock) and sleeping with it (nanosleep, under hold_lock): while one
 * thread sleeps, the other three wait. All four keep contending until the
 * deadline, so no thread finishes early and leaves fewer waiters.
 * Usage: mutex_sleep [milliseconds]   (default 400) */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double deadline;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile int held;

__attribute__((noinline)) static void hold_lock(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	held++; /* not a tail call: hold_lock stays on the stack */
}

__attribute__((noinline)) static void take_lock(void)
{
	pthread_mutex_lock(&lock);
	hold_lock();
	pthread_mutex_unlock(&lock);
}

static void *worker(void *arg)
{
	char name[16];
	snprintf(name, sizeof(name), "locker-%ld", (long)arg);
	pthread_setname_np(pthread_self(), name);
	while (now() < deadline)
		take_lock();
	return NULL;
}

int main(int argc, char **argv)
{
	deadline = now() + (argc > 1 ? atof(argv[1]) : 400) / 1000;
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}
