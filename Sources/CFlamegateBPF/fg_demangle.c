#include "fg_demangle.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* exported by libswiftCore, which every Swift executable links */
extern char *swift_demangle(const char *mangled, size_t length, char *out, size_t *out_size,
			    uint32_t flags);
/* exported by libstdc++ */
extern char *__cxa_demangle(const char *mangled, char *out, size_t *length, int *status);

char *fg_demangle_swift(const char *name)
{
	return swift_demangle(name, strlen(name), NULL, NULL, 0);
}

char *fg_demangle_cxx(const char *name)
{
	int status = 0;
	char *s = __cxa_demangle(name, NULL, NULL, &status);
	return status == 0 ? s : NULL;
}
