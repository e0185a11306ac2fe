/* forest_walk.h - find the leaf that each of many rows lands in, in one
 * tree (forest_tree.h): the inner loop of forest prediction.
 *
 * A walker gives each row its leaf's value row (the leaf node's `left`),
 * which is all prediction needs of the leaf. There are two, and they give
 * the same value rows, so which one runs never changes a prediction:
 * - the portable walker, over the tree's nodes;
 * - on CPUs with AVX-512, a vector walker that moves 16 rows per
 *   instruction over a packed copy of the nodes, one 32-bit word per node
 *   (fl_tree_walk_prepare). A tree whose node index, feature and bin do
 *   not fit in 31 bits has no packed copy and takes the portable walker. */
#ifndef FL_ML_FOREST_WALK_H
#define FL_ML_FOREST_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "ml/forest_tree.h"

/* Bytes a caller must allocate past the last row's codes: the vector
 * walker reads each code as the low byte of a 4-byte load. */
#define FL_TREE_WALK_PAD 3

/* Give the tree (of a forest with F features) its packed copy for the
 * vector walker when this CPU has one and the tree fits; else leave it
 * without. FL_ENOMEM when out of memory. fl_tree_clear frees the copy. */
int fl_tree_walk_prepare(fl_tree *t, size_t F, fl_err *err);

/* The value row of the leaf that each of m rows lands in (bin codes: m x F
 * bytes, then FL_TREE_WALK_PAD readable bytes) into value[0..m): with the
 * vector walker when the tree has its packed copy, else the portable one. */
void fl_tree_walk(const fl_tree *t, const uint8_t *codes, size_t F, size_t m,
		  uint32_t *value);

/* The portable walker. */
void fl_tree_walk_scalar(const fl_tree *t, const uint8_t *codes, size_t F,
			 size_t m, uint32_t *value);

/* The vector walker: 0 when it ran, -1 (and nothing written) when the tree
 * has no packed copy or m x F is too large for 32-bit offsets. */
int fl_tree_walk_vector(const fl_tree *t, const uint8_t *codes, size_t F,
			size_t m, uint32_t *value);

#endif
