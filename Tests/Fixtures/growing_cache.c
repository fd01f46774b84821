/* A tile cache: every request decodes a 64 KiB tile. `--variant good` keeps
 * the last 8 tiles (evicting the oldest); `--variant bad` keeps every tile in
 * an ever-growing list and frees them all only at exit, as a garbage-collected
 * runtime would: nothing leaks at exit, but the memory it holds grows with
 * the work. */
#include <stdlib.h>
#include <string.h>

#define TILE (64 * 1024)
#define KEEP 8

static void **cache;
static size_t used, room;

__attribute__((noinline)) static void *decode_tile(int i)
{
	char *tile = malloc(TILE);
	if (tile)
		memset(tile, i & 0xff, TILE);
	return tile;
}

static void cache_put(void *tile, int bounded)
{
	if (bounded && used == KEEP) {
		free(cache[0]);
		memmove(cache, cache + 1, (KEEP - 1) * sizeof(*cache));
		used--;
	}
	if (used == room) {
		room = room ? 2 * room : 16;
		cache = realloc(cache, room * sizeof(*cache));
	}
	cache[used++] = tile;
}

int main(int argc, char **argv)
{
	int bad = argc > 2 && strcmp(argv[1], "--variant") == 0 && strcmp(argv[2], "bad") == 0;
	for (int i = 0; i < 400; i++)
		cache_put(decode_tile(i), !bad);
	for (size_t i = 0; i < used; i++)
		free(cache[i]);
	free(cache);
	return 0;
}
