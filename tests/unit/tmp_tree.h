/* SPDX-License-Identifier: Apache-2.0 */
/* A throw-away directory tree for unit tests that read files (proc, /usr/src). */
#ifndef NWT_TEST_TMP_TREE_H
#define NWT_TEST_TMP_TREE_H

/* Creates /tmp/<prefix>.XXXXXX; returns its path (static storage) or NULL. */
const char *tmp_tree_create(const char *prefix);
/* Writes text to <tree>/<rel>, creating parent directories. */
void tmp_tree_write(const char *rel, const char *text);
/* Removes the whole tree; 0 on success. */
int tmp_tree_remove(void);

#endif
