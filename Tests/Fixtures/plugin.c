/* A shared library loaded with dlopen() after the host started. */
#include <stdint.h>

static volatile uint64_t sink;

__attribute__((noinline)) void plugin_burn(uint64_t n)
{
	uint64_t x = sink;
	for (uint64_t i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + i;
	sink = x;
}
