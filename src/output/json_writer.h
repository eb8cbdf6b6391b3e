/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one JSON writer: every JSON Lines object nwtrace prints is written
 * through it, straight into a buffer, without building a tree or allocating:
 * with -t it writes a line for every packet.
 *
 * A writer either fills a caller's buffer, cut at its end (nwt_json_buf), or
 * writes through to a stream whenever its buffer fills (nwt_json_file).
 * Members are separated by the writer: a key or a value inside an object or
 * an array gets its comma from the nesting it is in.
 *
 * Output is compact (no spaces) and keeps the order in which members are
 * written.  Numbers print as C's %lld and, for reals, as %.17g with a ".0"
 * when that has neither '.' nor 'e' and an exponent without '+' or leading
 * zeros; a real that is not finite is left out.
 */
#ifndef NWT_JSON_WRITER_H
#define NWT_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NWT_JSON_MAX_DEPTH 16

struct nwt_json {
	char *p, *end;		/* where the next byte goes; the end of the buffer */
	char *start;
	FILE *out;		/* NULL: a bounded buffer that cuts what does not fit */
	bool failed;		/* a write to out failed */
	bool after_key;		/* the next value belongs to the key just written */
	unsigned int depth;
	uint32_t has_member;	/* bit per depth: a member was written there */
};

/* Writes into buf[0..len); what does not fit (and the last byte) is left out. */
void nwt_json_buf(struct nwt_json *j, char *buf, size_t len);
/* Writes to out through buf; nwt_json_finish() writes what is left. */
void nwt_json_file(struct nwt_json *j, FILE *out, char *buf, size_t len);
/* Bytes in the buffer (of a bounded writer: all that was written). */
size_t nwt_json_len(const struct nwt_json *j);
/* A stream writer: writes the rest to out; 0, or -1 if any write failed. */
int nwt_json_finish(struct nwt_json *j);

void nwt_json_raw_slow(struct nwt_json *j, const char *s, size_t n);

/* Bytes as they are: for text the caller knows to be JSON already. */
static inline void nwt_json_raw(struct nwt_json *j, const char *s, size_t n)
{
	if ((size_t)(j->end - j->p) <= n) {
		nwt_json_raw_slow(j, s, n);
		return;
	}
	memcpy(j->p, s, n);
	j->p += n;
}

/* ,"key": for a literal key of an object that has a member already. */
#define NWT_JSON_KEY_NEXT(j, key)                                                  \
	do {                                                                       \
		nwt_json_raw((j), ",\"" key "\":", sizeof(",\"" key "\":") - 1); \
		(j)->after_key = true;                                             \
	} while (0)

void nwt_json_object_begin(struct nwt_json *j);
void nwt_json_object_end(struct nwt_json *j);
void nwt_json_array_begin(struct nwt_json *j);
void nwt_json_array_end(struct nwt_json *j);
void nwt_json_key(struct nwt_json *j, const char *key);

/* Values, after a key or in an array. */
void nwt_json_int(struct nwt_json *j, int64_t v);
void nwt_json_uint(struct nwt_json *j, uint64_t v);
void nwt_json_bool(struct nwt_json *j, bool v);
void nwt_json_null(struct nwt_json *j);
/* A string; s must be valid UTF-8 (nwt_json_utf8_valid()). */
void nwt_json_string(struct nwt_json *j, const char *s);
/* Nanoseconds as microseconds with three decimals: 12345 -> 12.345 */
void nwt_json_us3(struct nwt_json *j, uint64_t ns);
/* "0x..." in lowercase hex, as a string: kernel addresses do not fit a JSON number. */
void nwt_json_hex_string(struct nwt_json *j, uint64_t v);
/*
 * A string whose bytes from 0x20 up are copied unchecked, control characters
 * as \u00xx: the packet path's comm, ifname and HTTP line.
 */
void nwt_json_string_bytes(struct nwt_json *j, const char *s);

/*
 * Members.  A string member whose text is NULL or not valid UTF-8, and a real
 * that is not finite, are left out: a value nwtrace cannot print is absent.
 */
void nwt_json_field_str(struct nwt_json *j, const char *key, const char *s);
void nwt_json_field_int(struct nwt_json *j, const char *key, int64_t v);
void nwt_json_field_bool(struct nwt_json *j, const char *key, bool v);
void nwt_json_field_real(struct nwt_json *j, const char *key, double v);
void nwt_json_field_hex(struct nwt_json *j, const char *key, uint64_t v);

bool nwt_json_utf8_valid(const char *s);

#endif
