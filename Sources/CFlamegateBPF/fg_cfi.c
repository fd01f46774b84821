#include "fg_cfi.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <libelf.h>
#include <stdlib.h>

/* DWARF register numbers of the x86-64 psABI */
#define FG_DWARF_RBP 6
#define FG_DWARF_RA 16

struct fg_cfi {
	Elf *elf;
	Dwarf_CFI *cfi;
};

static struct fg_cfi *wrap(Elf *elf)
{
	if (!elf)
		return NULL;
	Dwarf_CFI *cfi = dwarf_getcfi_elf(elf);
	if (!cfi) {
		elf_end(elf);
		return NULL;
	}
	struct fg_cfi *c = calloc(1, sizeof(*c));
	if (!c) {
		dwarf_cfi_end(cfi);
		elf_end(elf);
		return NULL;
	}
	c->elf = elf;
	c->cfi = cfi;
	return c;
}

struct fg_cfi *fg_cfi_open(int fd)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	return wrap(elf_begin(fd, ELF_C_READ_MMAP, NULL));
}

struct fg_cfi *fg_cfi_open_memory(const void *image, size_t size)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	return wrap(elf_memory((char *)image, size));
}

/* The common location forms gcc and clang emit for saved registers. */
static void register_rule(Dwarf_Frame *frame, int regno, struct fg_cfi_rule *rule)
{
	Dwarf_Op mem[3], *ops = NULL;
	size_t n = 0;
	rule->offset = 0;
	if (dwarf_frame_register(frame, regno, mem, &ops, &n) != 0) {
		rule->kind = FG_CFI_UNSUPPORTED;
		return;
	}
	if (n == 0) {
		rule->kind = ops == NULL ? FG_CFI_SAME : FG_CFI_UNDEFINED;
		return;
	}
	int value = ops[n - 1].atom == DW_OP_stack_value;
	size_t used = value ? n - 1 : n;
	if (used >= 1 && ops[0].atom == DW_OP_call_frame_cfa) {
		if (used == 1) {
			rule->kind = value ? FG_CFI_VALUE_CFA : FG_CFI_AT_CFA;
			return;
		}
		if (used == 2 && ops[1].atom == DW_OP_plus_uconst) {
			rule->kind = value ? FG_CFI_VALUE_CFA : FG_CFI_AT_CFA;
			rule->offset = (int64_t)ops[1].number;
			return;
		}
		if (used == 3 && (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) &&
		    ops[2].atom == DW_OP_plus) {
			rule->kind = value ? FG_CFI_VALUE_CFA : FG_CFI_AT_CFA;
			rule->offset = (int64_t)ops[1].number;
			return;
		}
	}
	rule->kind = FG_CFI_UNSUPPORTED;
}

int fg_cfi_lookup(struct fg_cfi *c, uint64_t pc, struct fg_cfi_frame *out)
{
	Dwarf_Frame *frame = NULL;
	if (dwarf_cfi_addrframe(c->cfi, pc, &frame) != 0)
		return -ENOENT;
	Dwarf_Op *ops = NULL;
	size_t n = 0;
	int err = 0;
	if (dwarf_frame_cfa(frame, &ops, &n) != 0 || n != 1) {
		err = -ENOTSUP;
		goto out;
	}
	if (ops[0].atom == DW_OP_bregx) {
		out->cfa_register = (int32_t)ops[0].number;
		out->cfa_offset = (int64_t)ops[0].number2;
	} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		out->cfa_register = ops[0].atom - DW_OP_breg0;
		out->cfa_offset = (int64_t)ops[0].number;
	} else {
		err = -ENOTSUP;
		goto out;
	}
	Dwarf_Addr start, end;
	bool signal = false;
	dwarf_frame_info(frame, &start, &end, &signal);
	out->signal_frame = signal;
	register_rule(frame, FG_DWARF_RA, &out->return_address);
	register_rule(frame, FG_DWARF_RBP, &out->frame_pointer);
out:
	free(frame);
	return err;
}

void fg_cfi_close(struct fg_cfi *c)
{
	if (!c)
		return;
	dwarf_cfi_end(c->cfi);
	elf_end(c->elf);
	free(c);
}
