#ifndef FG_CFI_H
#define FG_CFI_H
#include <stddef.h>
#include <stdint.h>

/* Call-frame information (.eh_frame, through libdw) of one ELF file, reduced
 * to the rules an x86-64 unwinder needs: where the CFA is, and where the
 * caller's return address and frame pointer are. */
struct fg_cfi;

enum fg_cfi_rule_kind {
	FG_CFI_UNDEFINED = 0,   /* cannot be recovered */
	FG_CFI_SAME = 1,        /* unchanged by this frame */
	FG_CFI_AT_CFA = 2,      /* saved in memory at CFA + offset */
	FG_CFI_VALUE_CFA = 3,   /* is CFA + offset */
	FG_CFI_UNSUPPORTED = 4, /* a DWARF expression this unwinder does not evaluate */
};

struct fg_cfi_rule {
	int32_t kind;
	int32_t pad;
	int64_t offset;
};

struct fg_cfi_frame {
	int32_t cfa_register; /* DWARF register number; the CFA is register + cfa_offset */
	int32_t signal_frame;
	int64_t cfa_offset;
	struct fg_cfi_rule return_address;
	struct fg_cfi_rule frame_pointer;
};

/* From an open file (not closed by this) or an in-memory image (the vDSO);
 * NULL when it has no CFI. */
struct fg_cfi *fg_cfi_open(int fd);
struct fg_cfi *fg_cfi_open_memory(const void *image, size_t size);
/* The rules at link-time address `pc`: 0, -ENOENT (no CFI covers pc) or
 * -ENOTSUP (the CFA is a DWARF expression). */
int fg_cfi_lookup(struct fg_cfi *cfi, uint64_t pc, struct fg_cfi_frame *out);
void fg_cfi_close(struct fg_cfi *cfi);

#endif
