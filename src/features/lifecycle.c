/* SPDX-License-Identifier: Apache-2.0 */
/* The default: connect, accept, listen, state changes and close of TCP sockets. */
#include "features/feature.h"
#include "output/output.h"

const struct nwt_feature_module nwt_feature_lifecycle = {
	.name = "lifecycle",
	.flags = NWT_FEATURE_LIFECYCLE,
	.table_header = nwt_table_print_header,
};
