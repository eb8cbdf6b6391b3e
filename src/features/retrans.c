/* SPDX-License-Identifier: Apache-2.0 */
/* -r: retransmitted segments, with the connection's recovery and RTO counts. */
#include "features/feature.h"
#include "output/output.h"

const struct nwt_feature_module nwt_feature_retrans = {
	.name = "retrans",
	.flags = NWT_FEATURE_RETRANS,
	.table_header = nwt_table_print_header,
};
