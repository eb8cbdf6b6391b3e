/* SPDX-License-Identifier: Apache-2.0 */
#include "output/json_writer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void nwt_json_buf(struct nwt_json *j, char *buf, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->start = j->p = buf;
	j->end = buf + len;
}

void nwt_json_file(struct nwt_json *j, FILE *out, char *buf, size_t len)
{
	nwt_json_buf(j, buf, len);
	j->out = out;
}

size_t nwt_json_len(const struct nwt_json *j)
{
	return (size_t)(j->p - j->start);
}

static void flush(struct nwt_json *j)
{
	size_t n = nwt_json_len(j);

	if (n && !j->failed && fwrite(j->start, 1, n, j->out) != n)
		j->failed = true;
	j->p = j->start;
}

int nwt_json_finish(struct nwt_json *j)
{
	if (j->out)
		flush(j);
	return j->failed ? -1 : 0;
}

/* What does not fit in the buffer with a byte to spare. */
void nwt_json_raw_slow(struct nwt_json *j, const char *s, size_t n)
{
	if (j->out) {
		flush(j);
		if ((size_t)(j->end - j->p) <= n) {
			if (!j->failed && fwrite(s, 1, n, j->out) != n)
				j->failed = true;
			return;
		}
	} else {
		/* Bounded: the byte kept free tells a caller that the text was cut. */
		n = (size_t)(j->end - j->p);
		if (n)
			n--;
	}
	memcpy(j->p, s, n);
	j->p += n;
}

static void put_char(struct nwt_json *j, char c)
{
	nwt_json_raw(j, &c, 1);
}

/* The comma before a member, unless it is the value of the key just written. */
static void before_member(struct nwt_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->has_member & (1u << j->depth))
		put_char(j, ',');
	j->has_member |= 1u << j->depth;
}

static void open_nesting(struct nwt_json *j, char c)
{
	before_member(j);
	put_char(j, c);
	if (j->depth < NWT_JSON_MAX_DEPTH)
		j->depth++;
	j->has_member &= ~(1u << j->depth);
}

static void close_nesting(struct nwt_json *j, char c)
{
	if (j->depth)
		j->depth--;
	put_char(j, c);
}

void nwt_json_object_begin(struct nwt_json *j)
{
	open_nesting(j, '{');
}

void nwt_json_object_end(struct nwt_json *j)
{
	close_nesting(j, '}');
}

void nwt_json_array_begin(struct nwt_json *j)
{
	open_nesting(j, '[');
}

void nwt_json_array_end(struct nwt_json *j)
{
	close_nesting(j, ']');
}

static void put_escaped(struct nwt_json *j, const char *s, bool short_forms);

void nwt_json_key(struct nwt_json *j, const char *key)
{
	before_member(j);
	put_escaped(j, key, true);
	put_char(j, ':');
	j->after_key = true;
}

static void put_u64(struct nwt_json *j, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	nwt_json_raw(j, tmp + sizeof(tmp) - n, (size_t)n);
}

void nwt_json_uint(struct nwt_json *j, uint64_t v)
{
	before_member(j);
	put_u64(j, v);
}

void nwt_json_int(struct nwt_json *j, int64_t v)
{
	before_member(j);
	if (v < 0) {
		put_char(j, '-');
		put_u64(j, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(j, (uint64_t)v);
	}
}

void nwt_json_bool(struct nwt_json *j, bool v)
{
	before_member(j);
	if (v)
		nwt_json_raw(j, "true", 4);
	else
		nwt_json_raw(j, "false", 5);
}

void nwt_json_null(struct nwt_json *j)
{
	before_member(j);
	nwt_json_raw(j, "null", 4);
}

/* The two-character escape of a control character, or 0 where there is none. */
static char short_escape(unsigned char c)
{
	switch (c) {
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	default:
		return 0;
	}
}

/*
 * Escapes as RFC 8259 asks.  short_forms: \n and its kin where they exist,
 * else \u00XX in upper case (event, connection and fault records); without:
 * every control character as \u00xx (packet records).
 */
static void put_escaped(struct nwt_json *j, const char *s, bool short_forms)
{
	put_char(j, '"');
	for (;;) {
		size_t run = 0;
		unsigned char c;
		char esc[8];

		while ((c = (unsigned char)s[run]) >= 0x20 && c != '"' && c != '\\')
			run++;
		nwt_json_raw(j, s, run);
		s += run;
		if (!c)
			break;
		esc[0] = '\\';
		esc[1] = c == '"' || c == '\\' ? (char)c : short_forms ? short_escape(c) : 0;
		if (esc[1])
			nwt_json_raw(j, esc, 2);
		else if (short_forms)
			nwt_json_raw(j, esc, (size_t)snprintf(esc, sizeof(esc), "\\u%04X", c));
		else
			nwt_json_raw(j, esc, (size_t)snprintf(esc, sizeof(esc), "\\u%04x", c));
		s++;
	}
	put_char(j, '"');
}

void nwt_json_string(struct nwt_json *j, const char *s)
{
	before_member(j);
	put_escaped(j, s, true);
}

void nwt_json_string_bytes(struct nwt_json *j, const char *s)
{
	before_member(j);
	put_escaped(j, s, false);
}

void nwt_json_us3(struct nwt_json *j, uint64_t ns)
{
	char frac[4] = { '.', (char)('0' + ns / 100 % 10), (char)('0' + ns / 10 % 10),
			 (char)('0' + ns % 10) };

	before_member(j);
	put_u64(j, ns / 1000);
	nwt_json_raw(j, frac, 4);
}

void nwt_json_hex_string(struct nwt_json *j, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[20];
	int n = 0;

	before_member(j);
	tmp[sizeof(tmp) - 1 - n++] = '"';
	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	tmp[sizeof(tmp) - 1 - n++] = 'x';
	tmp[sizeof(tmp) - 1 - n++] = '0';
	tmp[sizeof(tmp) - 1 - n++] = '"';
	nwt_json_raw(j, tmp + sizeof(tmp) - n, (size_t)n);
}

/* Well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool nwt_json_utf8_valid(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		unsigned char c = *u;
		int n;
		uint32_t cp;

		if (c < 0x80) {
			u++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= n; i++) {
			if ((u[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (u[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		u += n + 1;
	}
	return true;
}

void nwt_json_field_str(struct nwt_json *j, const char *key, const char *s)
{
	if (!s || !nwt_json_utf8_valid(s))
		return;
	nwt_json_key(j, key);
	nwt_json_string(j, s);
}

void nwt_json_field_int(struct nwt_json *j, const char *key, int64_t v)
{
	nwt_json_key(j, key);
	nwt_json_int(j, v);
}

void nwt_json_field_bool(struct nwt_json *j, const char *key, bool v)
{
	nwt_json_key(j, key);
	nwt_json_bool(j, v);
}

void nwt_json_field_hex(struct nwt_json *j, const char *key, uint64_t v)
{
	nwt_json_key(j, key);
	nwt_json_hex_string(j, v);
}

/* %.17g: the shortest precision that reads back as the same double in every case. */
void nwt_json_field_real(struct nwt_json *j, const char *key, double v)
{
	char buf[48];
	int n;
	char *e;

	if (!isfinite(v))
		return;
	n = snprintf(buf, sizeof(buf) - 2, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof(buf) - 2)
		return;
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		buf[n++] = '.';
		buf[n++] = '0';
		buf[n] = '\0';
	}
	e = strchr(buf, 'e');
	if (e) {
		char *digits = e + 1, *from;

		if (*digits == '+') {
			memmove(digits, digits + 1, strlen(digits + 1) + 1);
		} else if (*digits == '-') {
			digits++;
		}
		for (from = digits; *from == '0' && from[1]; from++)
			;
		memmove(digits, from, strlen(from) + 1);
		n = (int)strlen(buf);
	}
	nwt_json_key(j, key);
	before_member(j);
	nwt_json_raw(j, buf, (size_t)n);
}
