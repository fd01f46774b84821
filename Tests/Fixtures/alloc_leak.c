/* Issue #5's acceptance target: process_image() gets a 1 MiB buffer from
 * alloc_buffer() on every call; with "leak" it never frees it, with "free"
 * (the control) it does. Before that, a spread of small allocations of every
 * size class, freed, for the size histogram; then a line on stdout (libc's
 * one-time stdio buffer). Usage: alloc_leak leak|free CALLS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUFFER_BYTES (1 << 20)

__attribute__((noinline)) char *alloc_buffer(size_t size)
{
	char *buffer = malloc(size);
	if (buffer)
		memset(buffer, 0, 4096); /* used after the call: never a tail call */
	return buffer;
}

__attribute__((noinline)) unsigned process_image(int leak, unsigned seed)
{
	char *buffer = alloc_buffer(BUFFER_BYTES);
	if (!buffer)
		return 0;
	unsigned sum = 0;
	for (int i = 0; i < 4096; i += 64)
		sum += (unsigned char)(buffer[i] + seed);
	if (!leak)
		free(buffer);
	return sum;
}

/* Sizes 0, 1, 2, 3, ... up to 64 KiB in growing steps, each freed at once. */
__attribute__((noinline)) unsigned churn(void)
{
	unsigned sum = 0;
	for (size_t size = 0; size <= 65536; size = size < 8 ? size + 1 : size + size / 3) {
		for (int repeat = 0; repeat < 3; repeat++) {
			char *volatile p = malloc(size);
			if (p && size)
				p[size - 1] = 1;
			sum += p != NULL;
			free(p);
		}
	}
	return sum;
}

int main(int argc, char **argv)
{
	int leak = argc > 1 && strcmp(argv[1], "leak") == 0;
	int calls = argc > 2 ? atoi(argv[2]) : 3;
	unsigned sum = churn();
	for (int i = 0; i < calls; i++)
		sum += process_image(leak, (unsigned)i);
	printf("%s %d buffers, checksum %u\n", leak ? "leaked" : "freed", calls, sum);
	return 0;
}
