#define _GNU_SOURCE
/* Two threads block in the same libc function (pthread_cond_wait) under two
 * different callers, acquire_a and acquire_b, ~15 ms a round each. Built
 * without frame pointers by the unwinding tests, like most distribution code. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond_a = PTHREAD_COND_INITIALIZER, cond_b = PTHREAD_COND_INITIALIZER;
static int ticket_a, ticket_b, done;

__attribute__((noinline)) static void acquire_a(void)
{
	pthread_mutex_lock(&lock);
	while (!ticket_a && !done)
		pthread_cond_wait(&cond_a, &lock);
	ticket_a = 0;
	pthread_mutex_unlock(&lock);
}

__attribute__((noinline)) static void acquire_b(void)
{
	pthread_mutex_lock(&lock);
	while (!ticket_b && !done)
		pthread_cond_wait(&cond_b, &lock);
	ticket_b = 0;
	pthread_mutex_unlock(&lock);
}

static void *waiter_a(void *arg)
{
	for (int i = 0; i < *(int *)arg; i++)
		acquire_a();
	return NULL;
}

static void *waiter_b(void *arg)
{
	for (int i = 0; i < *(int *)arg; i++)
		acquire_b();
	return NULL;
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	pthread_t a, b;
	pthread_create(&a, NULL, waiter_a, &rounds);
	pthread_setname_np(a, "waiter-a");
	pthread_create(&b, NULL, waiter_b, &rounds);
	pthread_setname_np(b, "waiter-b");
	/* a round: wake b after 5 ms, a 10 ms later */
	for (int i = 0; i < rounds; i++) {
		pause_ms(5);
		pthread_mutex_lock(&lock);
		ticket_b = 1;
		pthread_cond_signal(&cond_b);
		pthread_mutex_unlock(&lock);
		pause_ms(10);
		pthread_mutex_lock(&lock);
		ticket_a = 1;
		pthread_cond_signal(&cond_a);
		pthread_mutex_unlock(&lock);
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
