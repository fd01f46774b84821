/* Case 3 of the reference article, "a mysterious memory leak":
 * process_image() takes a 1 MiB buffer from alloc_buffer(), fills and
 * transforms it. bad: never frees it; good: frees it.
 * Usage: image_leak [--variant good|bad] [--images N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMAGE_BYTES (1024 * 1024)

static volatile uint64_t checksum;

__attribute__((noinline)) static char *alloc_buffer(size_t size)
{
	char *buffer = malloc(size);
	if (!buffer) {
		perror("malloc");
		exit(1);
	}
	return buffer;
}

__attribute__((noinline)) static void read_image(char *buffer, int image)
{
	memset(buffer, image & 0xff, IMAGE_BYTES);
}

__attribute__((noinline)) static void transform_image(char *buffer)
{
	/* a few passes over every byte: the run is CPU work of tens of ms, not
	 * only page faults, whose cost on a shared VM drifts by 10% in minutes */
	uint64_t sum = 0;
	for (int pass = 0; pass < 32; pass++)
		for (int i = 0; i < IMAGE_BYTES; i++)
			sum += (unsigned char)(buffer[i] ^= (char)(0x5a + pass));
	checksum += sum;
}

__attribute__((noinline)) static void process_image(int image, int leak)
{
	char *buffer = alloc_buffer(IMAGE_BYTES);
	read_image(buffer, image);
	transform_image(buffer);
	if (!leak)
		free(buffer);
}

int main(int argc, char **argv)
{
	int bad = 0, images = 32;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--variant"))
			bad = !strcmp(argv[i + 1], "bad");
		else if (!strcmp(argv[i], "--images"))
			images = atoi(argv[i + 1]);
	}
	for (int i = 0; i < images; i++)
		process_image(i, bad);
	printf("processed %d images (checksum %llu)\n", images, (unsigned long long)(checksum & 0xffff));
	return 0;
}
