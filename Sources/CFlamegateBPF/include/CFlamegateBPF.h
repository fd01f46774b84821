/* Umbrella header of the C shim: everything Swift may call. The shim wraps the
 * generated BPF skeletons, perf_event plumbing, libelf and the demanglers so
 * Swift never touches skeleton internals or raw syscalls. Functions return 0
 * or a negative errno unless stated otherwise. */
#ifndef C_FLAMEGATE_BPF_H
#define C_FLAMEGATE_BPF_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../../bpf/tracker.h"
#include "../../../bpf/cpu.h"

#include "fg_maps.h"
#include "fg_tracker.h"
#include "fg_cpu.h"
#include "fg_offcpu.h"
#include "fg_sched.h"
#include "fg_io.h"
#include "fg_alloc.h"
#include "fg_mmaptrack.h"
#include "fg_pmu.h"
#include "fg_spawn.h"
#include "fg_elf.h"
#include "fg_cfi.h"
#include "fg_unwind.h"
#include "fg_demangle.h"
#include "fg_caps.h"
#include "fg_btf.h"
#include "fg_cost.h"
#include "fg_calibrate.h"

#endif
