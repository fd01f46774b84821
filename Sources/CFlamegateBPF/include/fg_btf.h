#ifndef FG_BTF_H
#define FG_BTF_H

/* Kernel BTF used for CO-RE relocations: NULL means the running kernel's
 * /sys/kernel/btf/vmlinux; a path (e.g. a BTFHub file) serves kernels built
 * without BTF. Set once, before any probe is opened. */
void fg_set_btf_path(const char *path);

/* 1 when the running kernel has the BTF-enabled tracepoint `event` (its
 * btf_trace_<event> type, as tp_btf programs need), else 0. Parses the
 * kernel's BTF (~100 ms): callers keep the answer. */
int fg_kernel_has_tracepoint(const char *event);

#endif
