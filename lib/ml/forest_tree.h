/* forest_tree.h - one decision tree of a random forest: grown on binned
 * features with histograms, stored as a compact node array for prediction.
 *
 * Nodes are 8 bytes and split on bin codes (forest_bin.h): an inner node
 * sends a row left when code[feature] <= bin (that is, when
 * x[feature] <= the bin's upper edge), to node `left`, else to node
 * `left + 1` (the two children are always adjacent, after their parent).
 * A leaf has leaf == 1, feature 0 and bin 0, and `left` indexes its value
 * row:
 * n_outputs floats (class probabilities for a classifier, the mean target
 * for a regressor); pure leaves of a classifier share one-hot rows. */
#ifndef FL_ML_FOREST_TREE_H
#define FL_ML_FOREST_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/rng.h"
#include "ml/forest_bin.h"

/* Most features a forest takes (feature indices are 16-bit). */
#define FL_TREE_MAX_FEATURES 0xffffu

typedef struct fl_tree_node {
	uint32_t left;    /* left child (right = left + 1), or leaf value row */
	uint16_t feature; /* split feature (0 in a leaf: always a valid index) */
	uint8_t bin;      /* go left when code <= bin */
	uint8_t leaf;     /* 1: a leaf */
} fl_tree_node;

typedef struct fl_tree {
	uint32_t n_nodes;     /* entries in nodes */
	uint32_t n_leaves;    /* leaves */
	uint32_t n_values;    /* value rows; a classifier's first n_classes rows
			       * are one-hot and shared by all pure leaves */
	uint32_t depth;       /* longest root-to-leaf path (root alone: 0) */
	fl_tree_node *nodes;  /* node 0 is the root */
	float *values;        /* n_values x n_outputs */
	double *importance;   /* n_features: weighted impurity decrease, raw */
	uint32_t *packed;     /* the nodes packed for the vector walker
			       * (forest_walk.h), or NULL */
	uint8_t packed_shift; /* where `left` starts in a packed word */
} fl_tree;

/* What one tree is grown from and how; shared read-only by all trees. */
typedef struct fl_tree_grow {
	const fl_bins *bins;     /* binned training features */
	const int32_t *y_class;  /* classification: class index per row, or NULL */
	const double *y_value;   /* regression: target per row, or NULL */
	const double *class_weight; /* n_classes weights, or NULL for 1 */
	int n_classes;           /* classification: >= 2; regression: 0 */
	size_t mtry;             /* features tried per split, 1..n_features */
	int max_depth;           /* 0: unlimited */
	size_t min_samples_split;/* >= 2 */
	size_t min_samples_leaf; /* >= 1 */
	int bootstrap;           /* draw n rows with replacement */
} fl_tree_grow;

/* Per-worker scratch memory, reused from tree to tree. */
typedef struct fl_tree_scratch fl_tree_scratch;

/* A scratch area for trees grown with `g` (*out owned by the caller, free
 * with fl_tree_scratch_free). */
int fl_tree_scratch_new(fl_tree_scratch **out, const fl_tree_grow *g,
			fl_err *err);
void fl_tree_scratch_free(fl_tree_scratch *s);

/* Grow one tree into *t (fields owned by *t, free with fl_tree_clear).
 * `rng` is the tree's own stream: it draws the bootstrap sample, then the
 * features tried at each node. If `inbag` is not NULL, it receives one bit
 * per row (n_rows bits, LSB first in each byte), set for rows drawn. */
int fl_tree_fit(fl_tree *t, const fl_tree_grow *g, fl_rng *rng,
		fl_tree_scratch *s, uint8_t *inbag, fl_err *err);

/* The leaf node that a row with bin codes `codes` (n_features bytes)
 * lands in. */
static inline uint32_t fl_tree_leaf_node(const fl_tree *t, const uint8_t *codes)
{
	const fl_tree_node *n = t->nodes;
	uint32_t i = 0;

	while (!n[i].leaf)
		i = n[i].left + (codes[n[i].feature] > n[i].bin);
	return i;
}

/* Its value row (n_outputs floats). */
static inline const float *fl_tree_leaf(const fl_tree *t,
					const uint8_t *codes, size_t n_outputs)
{
	return t->values +
	       (size_t)t->nodes[fl_tree_leaf_node(t, codes)].left * n_outputs;
}

/* Free the arrays of *t and zero it. */
void fl_tree_clear(fl_tree *t);

#endif
