/* zlib for Swift (gzip of pprof files): a system module, no code of its own;
 * Debian's zlib1g-dev provides the header and library. */
#include <zlib.h>
