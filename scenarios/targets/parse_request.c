/* Case 5 of the reference article, "30% slower after the deployment":
 * parse_request() deduplicates a request's N items.
 * good: a hash set, O(n); bad (the "deployment"): compares every pair, O(n^2).
 * Each run parses several requests; the bad variant parses fewer so a size
 * sweep still ends in seconds (the exponent does not depend on the count).
 * Usage: parse_request --items N [--variant good|bad] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t *table;
static volatile size_t last_unique;
static size_t table_size;

static uint64_t mix(uint64_t seed, size_t i)
{
	uint64_t x = seed + i * 0x9e3779b97f4a7c15ULL;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (x ^ (x >> 29)) >> 8;
}

/* one item in ten repeats the one before it */
static uint64_t item(uint64_t seed, size_t i)
{
	return i % 10 == 9 ? mix(seed, i - 1) : mix(seed, i);
}

__attribute__((noinline)) static size_t dedup_hash(const uint64_t *items, size_t n)
{
	size_t unique = 0;
	memset(table, 0xff, table_size * sizeof(*table));
	for (size_t i = 0; i < n; i++) {
		size_t h = (size_t)((items[i] * 0x9e3779b97f4a7c15ULL) % table_size);
		while (table[h] != UINT64_MAX && table[h] != items[i])
			h = h + 1 == table_size ? 0 : h + 1;
		if (table[h] == UINT64_MAX) {
			table[h] = items[i];
			unique++;
		}
	}
	return unique;
}

__attribute__((noinline)) static size_t parse_request(uint64_t *items, size_t n, uint64_t seed, int bad)
{
	for (size_t i = 0; i < n; i++)
		items[i] = item(seed, i);
	if (!bad) {
		size_t unique = dedup_hash(items, n);
		last_unique = unique; /* not a tail call: parse_request stays on the stack */
		return unique;
	}
	/* the "deployment": every item compared with every earlier one */
	size_t unique = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && items[j] != items[i])
			j++;
		unique += j == i;
	}
	return unique;
}

int main(int argc, char **argv)
{
	size_t n = 1000;
	int bad = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--items"))
			n = (size_t)atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--variant"))
			bad = !strcmp(argv[i + 1], "bad");
	}
	/* the table grows exactly with n, so its cost stays linear across sizes */
	table_size = 2 * n + 1;
	table = malloc(table_size * sizeof(*table));
	uint64_t *items = malloc(n * sizeof(*items));
	int requests = bad ? 8 : 1000;
	size_t unique = 0;
	for (int r = 0; r < requests; r++)
		unique += parse_request(items, n, (uint64_t)r, bad);
	printf("%zu unique items over %d requests\n", unique, requests);
	return 0;
}
