/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The running kernel's own names for drop reasons (enum skb_drop_reason) and
 * reset reasons (enum sk_rst_reason), and what its drop tracepoint carries.
 * Names come from BTF, else from the tracepoint's format file
 * (__print_symbolic list); never from a table compiled into nwtrace.
 */
#ifndef NWT_DROP_REASONS_H
#define NWT_DROP_REASONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/cflags.h"

struct btf;

#define NWT_ENUM_NAME_LEN 64

struct nwt_enum_entry {
	uint32_t value;
	char name[NWT_ENUM_NAME_LEN];
};

struct nwt_enum_names {
	struct nwt_enum_entry *entries;
	size_t n;
};

/* Enumerators of `enum enum_name` in BTF, with `prefix` stripped where present. */
int nwt_enum_names_from_btf(struct nwt_enum_names *names, const struct btf *btf,
			    const char *enum_name, const char *prefix);
/* The { value, "NAME" } pairs of __print_symbolic(REC->field, ...) in a format file. */
int nwt_enum_names_from_format(struct nwt_enum_names *names, const char *format_text,
			       const char *field);
const char *nwt_enum_names_find(const struct nwt_enum_names *names, uint32_t value);
bool nwt_enum_names_value(const struct nwt_enum_names *names, const char *name,
			  uint32_t *value);
void nwt_enum_names_free(struct nwt_enum_names *names);

/* Offset and size of a field of a tracepoint format file. Returns 0 or -ENOENT. */
int nwt_tp_format_field(const char *format_text, const char *field, unsigned int *offset,
			unsigned int *size);

/* Reads a whole (small) file; returns a malloc'd string or NULL. */
char *nwt_read_text_file(const char *path);

struct nwt_drop_reasons {
	struct nwt_enum_names reasons;		/* skb_drop_reason, prefix stripped */
	struct nwt_enum_names subsystems;	/* skb_drop_reason_subsys (BTF only) */
	struct nwt_enum_names rst_reasons;	/* sk_rst_reason */
	const char *reasons_source;		/* "BTF", "format file" or NULL */
	/* skb:kfree_skb as this kernel defines it (from its format file) */
	bool kfree_skb_format_known;
	bool kfree_skb_has_reason;
	bool kfree_skb_has_rx_sk;
	unsigned int off_skbaddr, off_location, off_reason, off_rx_sk;
	bool send_reset_has_reason;		/* tcp:tcp_send_reset(sk, skb, reason) */
};

/*
 * Fills from the kfree_skb (and tcp_send_reset) format texts, either may be
 * NULL, and from btf (may be NULL).  BTF names win over format-file names.
 */
void nwt_drop_reasons_init(struct nwt_drop_reasons *dr, const struct btf *btf,
			   const char *kfree_skb_format, const char *send_reset_format);
/* The same for the running kernel: BTF and tracefs_root/events/... (may be NULL). */
void nwt_drop_reasons_load(struct nwt_drop_reasons *dr, const struct btf *btf,
			   const char *tracefs_root);
void nwt_drop_reasons_free(struct nwt_drop_reasons *dr);

/*
 * "NETFILTER_DROP"; a subsystem-encoded reason as "OPENVSWITCH:3" (or
 * "subsys2:3" when the subsystem has no name); an unknown number as itself.
 */
const char *nwt_drop_reason_name(const struct nwt_drop_reasons *dr, uint32_t reason, char *buf,
				 size_t len);
/* Reset reason name, or the number. */
const char *nwt_rst_reason_name(const struct nwt_drop_reasons *dr, uint32_t reason, char *buf,
				size_t len);

/* The names whose drops -e reports as invalid-sequence records (the numbers are the kernel's). */
extern const char *const nwt_seq_drop_reason_names[];
extern const size_t nwt_seq_drop_reason_names_len;

/*
 * -D defines for probes/drops.bpf.c and tcp_errors.bpf.c: tracepoint argument
 * layout, NOT_SPECIFIED's number, the sequence-drop reasons' numbers.
 */
/* show_not_specified: also report drops whose reason is NOT_SPECIFIED (-v). */
int nwt_drop_reasons_add_cflags(struct nwt_cflags *cf, const struct nwt_drop_reasons *dr,
				bool show_not_specified);

#endif
