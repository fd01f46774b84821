#include "fg_cfi.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* DWARF register numbers of the x86-64 psABI */
#define FG_DWARF_RSP 7
#define FG_DWARF_RBP 6
#define FG_DWARF_RA 16

#define FG_MAX_SEGMENTS 16

struct segments {
	GElf_Phdr load[FG_MAX_SEGMENTS];
	int n;
};

/* The file offset of a link-time address in an executable segment. */
static int file_offset(const struct segments *s, uint64_t vaddr, uint64_t *out)
{
	for (int i = 0; i < s->n; i++) {
		const GElf_Phdr *p = &s->load[i];
		if (vaddr >= p->p_vaddr && vaddr < p->p_vaddr + p->p_memsz) {
			*out = vaddr - p->p_vaddr + p->p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

/* A DWARF exception-header pointer; `here` is the link-time address of p,
 * `data` that of .eh_frame_hdr (for datarel). */
static int read_pointer(const uint8_t **p, const uint8_t *end, uint8_t enc, uint64_t here, uint64_t data,
			uint64_t *out)
{
	const uint8_t *q = *p;
	int64_t v;
	size_t n;
	switch (enc & 0x0f) {
	case DW_EH_PE_absptr: case DW_EH_PE_udata8: case DW_EH_PE_sdata8: n = 8; break;
	case DW_EH_PE_udata4: case DW_EH_PE_sdata4: n = 4; break;
	case DW_EH_PE_udata2: case DW_EH_PE_sdata2: n = 2; break;
	default: return -ENOTSUP; /* leb128 never appears in .eh_frame_hdr */
	}
	if ((size_t)(end - q) < n)
		return -EINVAL;
	if (n == 8) {
		uint64_t u;
		memcpy(&u, q, 8);
		v = (int64_t)u;
	} else if (n == 4) {
		uint32_t u;
		memcpy(&u, q, 4);
		v = (enc & 0x08) ? (int64_t)(int32_t)u : (int64_t)u;
	} else {
		uint16_t u;
		memcpy(&u, q, 2);
		v = (enc & 0x08) ? (int64_t)(int16_t)u : (int64_t)u;
	}
	switch (enc & 0x70) {
	case 0: break;
	case DW_EH_PE_pcrel: v += (int64_t)here; break;
	case DW_EH_PE_datarel: v += (int64_t)data; break;
	default: return -ENOTSUP;
	}
	*out = (uint64_t)v;
	*p = q + n;
	return 0;
}

struct builder {
	struct fg_cfi_rows *out;
	size_t cap;
};

static int push(struct builder *b, const struct fg_unwind_row *row)
{
	struct fg_cfi_rows *o = b->out;
	if (o->count > 0) {
		struct fg_unwind_row *last = &o->rows[o->count - 1];
		if (last->pc == row->pc) {
			*last = *row; /* an empty range: the later rule wins */
			return 0;
		}
		if (last->cfa == row->cfa && last->rbp == row->rbp && last->cfa_offset == row->cfa_offset &&
		    last->rbp_offset == row->rbp_offset)
			return 0;
	}
	if (o->count == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		struct fg_unwind_row *rows = realloc(o->rows, cap * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		o->rows = rows;
		b->cap = cap;
	}
	o->rows[o->count++] = *row;
	return 0;
}

/* libdw's location of a saved register as CFA + offset; false otherwise. */
static bool at_cfa(Dwarf_Op *ops, size_t n, int64_t *offset)
{
	if (n == 1 && ops[0].atom == DW_OP_call_frame_cfa) {
		*offset = 0;
		return true;
	}
	if (n == 2 && ops[0].atom == DW_OP_call_frame_cfa && ops[1].atom == DW_OP_plus_uconst) {
		*offset = (int64_t)ops[1].number;
		return true;
	}
	if (n == 3 && ops[0].atom == DW_OP_call_frame_cfa &&
	    (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) && ops[2].atom == DW_OP_plus) {
		*offset = (int64_t)ops[1].number;
		return true;
	}
	return false;
}

/* The PLT's CFA expression (gcc/binutils):
 * rsp + 8 + ((rip & 15) >= K) << 3. Returns K, or -1. */
static int plt_threshold(const Dwarf_Op *ops, size_t n)
{
	if (n != 9 || ops[0].atom != DW_OP_breg7 || ops[0].number != 8 || ops[1].atom != DW_OP_breg16 ||
	    ops[1].number != 0 || ops[2].atom != DW_OP_lit15 || ops[3].atom != DW_OP_and ||
	    ops[4].atom < DW_OP_lit0 || ops[4].atom > DW_OP_lit31 || ops[5].atom != DW_OP_ge ||
	    ops[6].atom != DW_OP_lit3 || ops[7].atom != DW_OP_shl || ops[8].atom != DW_OP_plus)
		return -1;
	return ops[4].atom - DW_OP_lit0;
}

/* The row for one libdw frame state. */
static void describe(Dwarf_Frame *frame, bool signal, struct fg_unwind_row *row)
{
	Dwarf_Op *ops = NULL, mem[3];
	size_t n = 0;
	int64_t off;
	row->cfa = FG_UNWIND_CFA_NONE;
	row->rbp = FG_UNWIND_RBP_UNDEFINED;
	row->cfa_offset = row->rbp_offset = 0;
	row->pad = 0;
	if (signal) {
		row->cfa = FG_UNWIND_CFA_SIGNAL;
		return;
	}
	/* the return address: at CFA - 8, or undefined in the outermost frame */
	if (dwarf_frame_register(frame, FG_DWARF_RA, mem, &ops, &n) != 0)
		return;
	if (n == 0) {
		if (ops != NULL)
			row->cfa = FG_UNWIND_CFA_END;
		return;
	}
	if (!at_cfa(ops, n, &off) || off != -8)
		return;
	if (dwarf_frame_cfa(frame, &ops, &n) != 0)
		return;
	if (n == 1 && (ops[0].atom == DW_OP_breg7 || ops[0].atom == DW_OP_breg6 ||
		       (ops[0].atom == DW_OP_bregx && (ops[0].number == FG_DWARF_RSP || ops[0].number == FG_DWARF_RBP)))) {
		int reg = ops[0].atom == DW_OP_bregx ? (int)ops[0].number : ops[0].atom - DW_OP_breg0;
		int64_t o = ops[0].atom == DW_OP_bregx ? (int64_t)ops[0].number2 : (int64_t)ops[0].number;
		if (o < INT32_MIN || o > INT32_MAX)
			return;
		row->cfa = reg == FG_DWARF_RSP ? FG_UNWIND_CFA_RSP : FG_UNWIND_CFA_RBP;
		row->cfa_offset = (int32_t)o;
	} else {
		int k = plt_threshold(ops, n);
		if (k < 0)
			return;
		row->cfa = FG_UNWIND_CFA_PLT;
		row->cfa_offset = k;
	}
	if (dwarf_frame_register(frame, FG_DWARF_RBP, mem, &ops, &n) != 0)
		return;
	if (n == 0) {
		row->rbp = ops == NULL ? FG_UNWIND_RBP_SAME : FG_UNWIND_RBP_UNDEFINED;
	} else if (at_cfa(ops, n, &off) && off >= INT32_MIN && off <= INT32_MAX) {
		row->rbp = FG_UNWIND_RBP_AT_CFA;
		row->rbp_offset = (int32_t)off;
	}
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int build(Elf *elf, struct fg_cfi_rows *out)
{
	memset(out, 0, sizeof(*out));
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh) || eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64)
		return -ENOEXEC;
	size_t nph;
	if (elf_getphdrnum(elf, &nph) != 0)
		return -ENOEXEC;
	struct segments segs = { .n = 0 };
	GElf_Phdr hdr_ph;
	bool have_hdr = false;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && segs.n < FG_MAX_SEGMENTS)
			segs.load[segs.n++] = ph;
		if (ph.p_type == PT_GNU_EH_FRAME) {
			hdr_ph = ph;
			have_hdr = true;
		}
	}
	if (!have_hdr)
		return -ENOENT;
	for (int i = 0; i < segs.n; i++)
		if (segs.load[i].p_offset + segs.load[i].p_filesz > UINT32_MAX)
			return -EFBIG;
	Elf_Data *raw = elf_getdata_rawchunk(elf, (int64_t)hdr_ph.p_offset, hdr_ph.p_filesz, ELF_T_BYTE);
	if (!raw || raw->d_size < 4)
		return -ENOENT;
	const uint8_t *p = raw->d_buf, *end = p + raw->d_size;
	uint64_t base = hdr_ph.p_vaddr;
	if (p[0] != 1 || p[2] == DW_EH_PE_omit || p[3] == DW_EH_PE_omit)
		return -ENOENT;
	uint8_t ptr_enc = p[1], count_enc = p[2], table_enc = p[3];
	const uint8_t *q = p + 4;
	uint64_t eh_frame, nfde;
	if (read_pointer(&q, end, ptr_enc, base + (uint64_t)(q - p), base, &eh_frame) != 0 ||
	    read_pointer(&q, end, count_enc, base + (uint64_t)(q - p), base, &nfde) != 0)
		return -ENOENT;
	if (nfde > (uint64_t)(end - q))
		return -ENOENT;
	uint64_t *starts = malloc((nfde + 1) * sizeof(*starts));
	if (!starts)
		return -ENOMEM;
	size_t n = 0;
	for (uint64_t i = 0; i < nfde; i++) {
		uint64_t loc, fde;
		if (read_pointer(&q, end, table_enc, base + (uint64_t)(q - p), base, &loc) != 0 ||
		    read_pointer(&q, end, table_enc, base + (uint64_t)(q - p), base, &fde) != 0)
			break;
		starts[n++] = loc;
	}
	qsort(starts, n, sizeof(*starts), compare_u64);

	Dwarf_CFI *cfi = dwarf_getcfi_elf(elf);
	if (!cfi) {
		free(starts);
		return -ENOENT;
	}
	struct builder b = { .out = out, .cap = 0 };
	int err = 0;
	for (size_t i = 0; i < n && !err; i++) {
		uint64_t pc = starts[i];
		uint64_t limit = i + 1 < n ? starts[i + 1] : UINT64_MAX;
		bool covered = false;
		while (pc < limit) {
			Dwarf_Frame *frame = NULL;
			if (dwarf_cfi_addrframe(cfi, pc, &frame) != 0)
				break;
			Dwarf_Addr start, stop;
			bool signal = false;
			dwarf_frame_info(frame, &start, &stop, &signal);
			struct fg_unwind_row row;
			describe(frame, signal, &row);
			free(frame);
			uint64_t off;
			if (stop <= pc || file_offset(&segs, pc, &off) != 0)
				break;
			if (row.cfa == FG_UNWIND_CFA_NONE)
				out->unsupported++;
			row.pc = (uint32_t)off;
			if ((err = push(&b, &row)) != 0)
				break;
			covered = true;
			pc = stop;
		}
		if (covered)
			out->fdes++;
		/* the gap up to the next function has no rules */
		uint64_t off;
		if (!err && pc < limit && file_offset(&segs, pc, &off) == 0) {
			struct fg_unwind_row gap = { .pc = (uint32_t)off, .cfa = FG_UNWIND_CFA_NONE };
			err = push(&b, &gap);
		}
	}
	dwarf_cfi_end(cfi);
	free(starts);
	if (err) {
		fg_cfi_rows_free(out);
		return err;
	}
	return out->count ? 0 : -ENOENT;
}

int fg_cfi_rows_fd(int fd, struct fg_cfi_rows *out)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return -ENOEXEC;
	int err = build(elf, out);
	elf_end(elf);
	return err;
}

int fg_cfi_rows_memory(const void *image, size_t size, struct fg_cfi_rows *out)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	Elf *elf = elf_memory((char *)image, size);
	if (!elf)
		return -ENOEXEC;
	int err = build(elf, out);
	elf_end(elf);
	return err;
}

void fg_cfi_rows_free(struct fg_cfi_rows *rows)
{
	free(rows->rows);
	rows->rows = NULL;
	rows->count = 0;
}
