/* errno values used by BPF programs (vmlinux.h carries no macros). */
#ifndef FG_ERRNO_BPF_H
#define FG_ERRNO_BPF_H
#ifndef EFAULT
#define EFAULT 14
#endif
#ifndef EEXIST
#define EEXIST 17
#endif
#ifndef ENOMEM
#define ENOMEM 12
#define ENOENT 2
#define EBUSY 16
#endif
#endif
