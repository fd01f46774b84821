/* The alloc probe's hard cases: a producer thread allocates and a
 * consumer thread frees (frees from other threads); a block grows through a
 * realloc chain and stays (only its final size is outstanding); a forked
 * child leaks 2 MiB of its own in child_leak() and frees, in the child, a
 * block its parent allocated before the fork (not the child's allocation).
 * The parent frees everything it allocated except the realloc'd block. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BLOCKS 1000

static void *queue[BLOCKS];

static void *produce(void *arg)
{
	(void)arg;
	for (int i = 0; i < BLOCKS; i++) {
		queue[i] = malloc(64 + i);
		memset(queue[i], 1, 8);
	}
	return NULL;
}

static void *consume(void *arg)
{
	(void)arg;
	for (int i = 0; i < BLOCKS; i++)
		free(queue[i]);
	return NULL;
}

__attribute__((noinline)) char *grow_chain(void)
{
	char *p = malloc(16);
	for (size_t size = 32; size <= 1 << 16; size *= 2) {
		p = realloc(p, size);
		p[size - 1] = 1;
	}
	return p; /* 64 KiB outstanding, allocated by realloc */
}

static char *volatile sink; /* keeps the compiler from dropping an unused allocation */

__attribute__((noinline)) void child_leak(void)
{
	char *p = malloc(2 << 20);
	memset(p, 2, 4096);
	sink = p;
}

int main(void)
{
	pthread_t producer, consumer;
	pthread_create(&producer, NULL, produce, NULL);
	pthread_join(producer, NULL);
	pthread_create(&consumer, NULL, consume, NULL);
	pthread_join(consumer, NULL);

	sink = grow_chain();

	char *inherited = malloc(4000);
	pid_t child = fork();
	if (child == 0) {
		free(inherited); /* the parent's block, allocated before this process existed */
		child_leak();
		_exit(0);
	}
	waitpid(child, NULL, 0);
	free(inherited);
	printf("done\n");
	return 0;
}
