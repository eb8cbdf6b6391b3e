/* SPDX-License-Identifier: Apache-2.0 */
/* -S: every state transition, with the time spent in the state it leaves. */
#include "decode/conn_decode.h"
#include "features/feature.h"
#include "output/output.h"

static void as_transition(struct nwt_feature_ctx *ctx, struct nwt_record *rec)
{
	(void)ctx;
	nwt_record_as_transition(rec);
}

const struct nwt_feature_module nwt_feature_state = {
	.name = "state",
	.flags = NWT_FEATURE_STATE,
	.table_header = nwt_table_print_header,
	.refine = as_transition,
};
