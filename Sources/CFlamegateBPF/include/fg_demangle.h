#ifndef FG_DEMANGLE_H
#define FG_DEMANGLE_H

/* Demangled name (malloc'd, caller frees) or NULL when `name` is not a
 * mangled name of that language. Swift uses the runtime's swift_demangle,
 * C++ the ABI's __cxa_demangle. */
char *fg_demangle_swift(const char *name);
char *fg_demangle_cxx(const char *name);

#endif
