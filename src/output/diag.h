/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every diagnostic nwtrace prints goes through here: stderr, one line each,
 * "nwtrace: " first, so that a user or a script tells them from records,
 * which only ever go to the output (stdout or -o).  With --json too they stay
 * text on stderr: stdout then holds nothing but records for jq, and stderr
 * is read by people (bpftool's p_err turns errors into JSON only because
 * bpftool has no second stream).
 */
#ifndef NWT_DIAG_H
#define NWT_DIAG_H

/* One line: "nwtrace: " and the formatted message. */
void nwt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Another tool's own diagnostics (the compiler's, the verifier's log), as they are. */
void nwt_diag_verbatim(const char *text);

#endif
