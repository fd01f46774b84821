#ifndef FG_BTF_H
#define FG_BTF_H

/* Kernel BTF used for CO-RE relocations: NULL means the running kernel's
 * /sys/kernel/btf/vmlinux; a path (e.g. a BTFHub file) serves kernels built
 * without BTF. Set once, before any probe is opened. */
void fg_set_btf_path(const char *path);

#endif
