/* Sleeps a little, then dlopen()s LIBRARY and burns CPU in its plugin_burn().
 * Usage: dlopen_host LIBRARY */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	usleep(20000);
	void *lib = dlopen(argv[1], RTLD_NOW);
	if (!lib) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	void (*burn)(uint64_t) = (void (*)(uint64_t))dlsym(lib, "plugin_burn");
	if (!burn)
		return 1;
	burn(300000000ULL);
	dlclose(lib);
	return 0;
}
