/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/drop_reasons.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SUBSYS_SHIFT 16	/* SKB_DROP_REASON_SUBSYS_SHIFT */

const char *const nwt_seq_drop_reason_names[] = {
	"TCP_INVALID_SEQUENCE",		/* seq after the right edge of the window */
	"TCP_INVALID_END_SEQUENCE",	/* end_seq after it */
	"TCP_OLD_SEQUENCE",		/* end_seq before the left edge */
	"TCP_OVERWINDOW",		/* data beyond the window, seen when queueing */
};
const size_t nwt_seq_drop_reason_names_len =
	sizeof(nwt_seq_drop_reason_names) / sizeof(nwt_seq_drop_reason_names[0]);

static int enum_add(struct nwt_enum_names *names, uint32_t value, const char *name, size_t len)
{
	struct nwt_enum_entry *grown;

	grown = realloc(names->entries, (names->n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	names->entries = grown;
	if (len >= NWT_ENUM_NAME_LEN)
		len = NWT_ENUM_NAME_LEN - 1;
	grown[names->n].value = value;
	memcpy(grown[names->n].name, name, len);
	grown[names->n].name[len] = '\0';
	names->n++;
	return 0;
}

int nwt_enum_names_from_btf(struct nwt_enum_names *names, const struct btf *btf,
			    const char *enum_name, const char *prefix)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	size_t plen = strlen(prefix);
	int id, err = 0;

	names->entries = NULL;
	names->n = 0;
	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (unsigned short i = 0; !err && i < btf_vlen(t); i++, e++) {
		const char *name = btf__name_by_offset(btf, e->name_off);

		if (!name)
			continue;
		if (!strncmp(name, prefix, plen) && name[plen])
			name += plen;
		err = enum_add(names, (uint32_t)e->val, name, strlen(name));
	}
	return err;
}

int nwt_enum_names_from_format(struct nwt_enum_names *names, const char *format_text,
			       const char *field)
{
	char needle[96];
	const char *p;
	int err = 0;

	names->entries = NULL;
	names->n = 0;
	if (!format_text)
		return -ENOENT;
	snprintf(needle, sizeof(needle), "__print_symbolic(REC->%s,", field);
	p = strstr(format_text, needle);
	if (!p)
		return -ENOENT;
	p += strlen(needle);
	/* Pairs "{ 12, "NETFILTER_DROP" }" until the closing parenthesis. */
	while (!err) {
		const char *name, *name_end;
		char *end;
		unsigned long value;

		p += strspn(p, " \t,");
		if (*p != '{')
			break;
		p += 1 + strspn(p + 1, " \t");
		errno = 0;
		value = strtoul(p, &end, 0);
		if (end == p || errno || value > UINT32_MAX)
			return -EINVAL;	/* a symbol the kernel did not evaluate */
		name = strchr(end, '"');
		name_end = name ? strchr(name + 1, '"') : NULL;
		if (!name_end)
			return -EINVAL;
		err = enum_add(names, (uint32_t)value, name + 1, (size_t)(name_end - name - 1));
		p = strchr(name_end, '}');
		if (!p)
			return -EINVAL;
		p++;
	}
	return err ? err : names->n ? 0 : -ENOENT;
}

const char *nwt_enum_names_find(const struct nwt_enum_names *names, uint32_t value)
{
	for (size_t i = 0; i < names->n; i++)
		if (names->entries[i].value == value)
			return names->entries[i].name;
	return NULL;
}

bool nwt_enum_names_value(const struct nwt_enum_names *names, const char *name, uint32_t *value)
{
	for (size_t i = 0; i < names->n; i++)
		if (!strcmp(names->entries[i].name, name)) {
			*value = names->entries[i].value;
			return true;
		}
	return false;
}

void nwt_enum_names_free(struct nwt_enum_names *names)
{
	free(names->entries);
	names->entries = NULL;
	names->n = 0;
}

int nwt_tp_format_field(const char *format_text, const char *field, unsigned int *offset,
			unsigned int *size)
{
	const char *line = format_text;
	size_t flen = strlen(field);

	while (line && *line) {
		const char *semi = strchr(line, ';');
		const char *eol = strchr(line, '\n');

		/* "\tfield:TYPE NAME;\toffset:N;\tsize:N;..." -- NAME is the word before ';' */
		if (!strncmp(line + strspn(line, " \t"), "field:", 6) && semi && (!eol || semi < eol) &&
		    semi - line > (long)flen && !strncmp(semi - flen, field, flen) &&
		    (semi[-(long)flen - 1] == ' ' || semi[-(long)flen - 1] == '*')) {
			if (sscanf(semi + 1, " offset:%u; size:%u;", offset, size) == 2)
				return 0;
		}
		line = eol ? eol + 1 : NULL;
	}
	return -ENOENT;
}

char *nwt_read_text_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *grown = realloc(text, cap = cap ? cap * 2 : 16384);

			if (!grown) {
				free(text);
				fclose(f);
				return NULL;
			}
			text = grown;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	text[len] = '\0';
	return text;
}

void nwt_drop_reasons_init(struct nwt_drop_reasons *dr, const struct btf *btf,
			   const char *kfree_skb_format, const char *send_reset_format)
{
	unsigned int size;

	memset(dr, 0, sizeof(*dr));
	if (!nwt_enum_names_from_btf(&dr->reasons, btf, "skb_drop_reason", "SKB_DROP_REASON_") &&
	    dr->reasons.n)
		dr->reasons_source = "BTF";
	else if (!nwt_enum_names_from_format(&dr->reasons, kfree_skb_format, "reason"))
		dr->reasons_source = "format file";
	nwt_enum_names_from_btf(&dr->subsystems, btf, "skb_drop_reason_subsys",
				"SKB_DROP_REASON_SUBSYS_");
	if (nwt_enum_names_from_btf(&dr->rst_reasons, btf, "sk_rst_reason", "SK_RST_REASON_"))
		nwt_enum_names_from_format(&dr->rst_reasons, send_reset_format, "reason");

	if (kfree_skb_format &&
	    !nwt_tp_format_field(kfree_skb_format, "skbaddr", &dr->off_skbaddr, &size) &&
	    !nwt_tp_format_field(kfree_skb_format, "location", &dr->off_location, &size)) {
		dr->kfree_skb_format_known = true;
		dr->kfree_skb_has_reason =
			!nwt_tp_format_field(kfree_skb_format, "reason", &dr->off_reason, &size);
		dr->kfree_skb_has_rx_sk =
			!nwt_tp_format_field(kfree_skb_format, "rx_sk", &dr->off_rx_sk, &size);
	}
	if (send_reset_format)
		dr->send_reset_has_reason =
			!nwt_tp_format_field(send_reset_format, "reason", &size, &size);
}

void nwt_drop_reasons_load(struct nwt_drop_reasons *dr, const struct btf *btf,
			   const char *tracefs_root)
{
	char path[512];
	char *kfree = NULL, *reset = NULL;

	if (tracefs_root) {
		snprintf(path, sizeof(path), "%s/events/skb/kfree_skb/format", tracefs_root);
		kfree = nwt_read_text_file(path);
		snprintf(path, sizeof(path), "%s/events/tcp/tcp_send_reset/format", tracefs_root);
		reset = nwt_read_text_file(path);
	}
	nwt_drop_reasons_init(dr, btf, kfree, reset);
	free(kfree);
	free(reset);
}

void nwt_drop_reasons_free(struct nwt_drop_reasons *dr)
{
	nwt_enum_names_free(&dr->reasons);
	nwt_enum_names_free(&dr->subsystems);
	nwt_enum_names_free(&dr->rst_reasons);
}

const char *nwt_drop_reason_name(const struct nwt_drop_reasons *dr, uint32_t reason, char *buf,
				 size_t len)
{
	const char *name = nwt_enum_names_find(&dr->reasons, reason);
	uint32_t subsys = reason >> SUBSYS_SHIFT;

	if (name)
		snprintf(buf, len, "%s", name);
	else if (subsys) {
		const char *sname = nwt_enum_names_find(&dr->subsystems, subsys);

		if (sname)
			snprintf(buf, len, "%s:%u", sname, reason & 0xffffu);
		else
			snprintf(buf, len, "subsys%u:%u", subsys, reason & 0xffffu);
	} else
		snprintf(buf, len, "%u", reason);
	return buf;
}

const char *nwt_rst_reason_name(const struct nwt_drop_reasons *dr, uint32_t reason, char *buf,
				size_t len)
{
	const char *name = nwt_enum_names_find(&dr->rst_reasons, reason);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%u", reason);
	return buf;
}

int nwt_drop_reasons_add_cflags(struct nwt_cflags *cf, const struct nwt_drop_reasons *dr,
				bool show_not_specified)
{
	uint32_t value;
	int err = 0, n = 0;

	if (dr->kfree_skb_format_known) {
		err = err ?: nwt_cflags_add(cf, "-DNWT_TP_KFREE_SKB_SKBADDR_OFF=%u", dr->off_skbaddr);
		err = err ?: nwt_cflags_add(cf, "-DNWT_TP_KFREE_SKB_LOCATION_OFF=%u",
					    dr->off_location);
	}
	if (dr->kfree_skb_has_reason) {
		err = err ?: nwt_cflags_add(cf, "-DNWT_KFREE_SKB_HAS_REASON");
		err = err ?: nwt_cflags_add(cf, "-DNWT_TP_KFREE_SKB_REASON_OFF=%u", dr->off_reason);
	}
	if (dr->kfree_skb_has_rx_sk) {
		err = err ?: nwt_cflags_add(cf, "-DNWT_KFREE_SKB_HAS_RX_SK");
		err = err ?: nwt_cflags_add(cf, "-DNWT_TP_KFREE_SKB_RX_SK_OFF=%u", dr->off_rx_sk);
	}
	if (dr->send_reset_has_reason)
		err = err ?: nwt_cflags_add(cf, "-DNWT_SEND_RESET_HAS_REASON");
	if (nwt_enum_names_value(&dr->reasons, "NOT_SPECIFIED", &value))
		err = err ?: nwt_cflags_add(cf, "-DNWT_DROP_REASON_NOT_SPECIFIED=%uU", value);
	/* -u: a datagram dropped at read time leaves its socket queue without a read */
	if (nwt_enum_names_value(&dr->reasons, "UDP_CSUM", &value))
		err = err ?: nwt_cflags_add(cf, "-DNWT_DROP_REASON_UDP_CSUM=%uU", value);
	if (show_not_specified)
		err = err ?: nwt_cflags_add(cf, "-DNWT_DROP_SHOW_NOT_SPECIFIED");
	for (size_t i = 0; i < nwt_seq_drop_reason_names_len && n < 4; i++)
		if (nwt_enum_names_value(&dr->reasons, nwt_seq_drop_reason_names[i], &value))
			err = err ?: nwt_cflags_add(cf, "-DNWT_SEQ_REASON_%d=%uU", n++, value);
	return err;
}
