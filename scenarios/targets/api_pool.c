/* Case 1 of the reference article, "my REST API is slow": CLIENTS threads
 * each serve REQUESTS requests; a request parses its input (a little CPU),
 * takes a connection from a pool guarded by a mutex and a condition variable,
 * waits on the "database" (a 2 ms sleep) and gives the connection back.
 * good: the pool has a connection per client; bad: one connection, so
 * requests queue behind the pool's lock.
 * Usage: api_pool [--variant good|bad] [--clients N] [--requests N] */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_free = PTHREAD_COND_INITIALIZER;
static int free_connections;
static int requests = 40;
static volatile uint64_t sink;

__attribute__((noinline)) static void parse_json(int request)
{
	uint64_t x = (uint64_t)request;
	for (int i = 0; i < 20000; i++)
		x = x * 6364136223846793005ULL + (uint64_t)i;
	sink += x;
}

__attribute__((noinline)) static void acquire_connection(void)
{
	pthread_mutex_lock(&pool_lock);
	while (free_connections == 0)
		pthread_cond_wait(&pool_free, &pool_lock);
	free_connections--;
	pthread_mutex_unlock(&pool_lock);
}

__attribute__((noinline)) static void release_connection(void)
{
	pthread_mutex_lock(&pool_lock);
	free_connections++;
	pthread_cond_signal(&pool_free);
	pthread_mutex_unlock(&pool_lock);
}

__attribute__((noinline)) static void database_query(void)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	sink++;
}

__attribute__((noinline)) static void handle_request(int request)
{
	parse_json(request);
	acquire_connection();
	database_query();
	release_connection();
}

static void *client(void *arg)
{
	pthread_setname_np(pthread_self(), "api-worker");
	for (int i = 0; i < requests; i++)
		handle_request(i + (int)(long)arg);
	return NULL;
}

int main(int argc, char **argv)
{
	int clients = 8, bad = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--variant"))
			bad = !strcmp(argv[i + 1], "bad");
		else if (!strcmp(argv[i], "--clients"))
			clients = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--requests"))
			requests = atoi(argv[i + 1]);
	}
	if (clients < 1 || clients > 64)
		return 2;
	free_connections = bad ? 1 : clients;
	pthread_t t[64];
	for (long i = 0; i < clients; i++)
		pthread_create(&t[i], NULL, client, (void *)i);
	for (int i = 0; i < clients; i++)
		pthread_join(t[i], NULL);
	printf("served %d requests\n", clients * requests);
	return 0;
}
