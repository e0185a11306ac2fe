/* rng.h - an explicit, seeded random number generator (xoshiro256**,
 * seeded through splitmix64). Never rand(): every consumer owns its state,
 * and independent streams come from (seed, stream) pairs, so parallel work
 * (one stream per tree, fold or start) draws the same numbers whatever the
 * thread count. */
#ifndef FL_RNG_H
#define FL_RNG_H

#include <stdint.h>

typedef struct fl_rng {
	uint64_t s[4]; /* xoshiro256** state; never all zero */
} fl_rng;

/* Seed from a user seed and a stream number (e.g. the tree index). */
void fl_rng_seed(fl_rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t fl_rng_next(fl_rng *r);

/* Uniform double in [0, 1) with 53 random bits. */
double fl_rng_uniform(fl_rng *r);

/* Uniform integer in [0, n), unbiased (Lemire's method). n > 0. */
uint64_t fl_rng_below(fl_rng *r, uint64_t n);

/* Standard normal deviate (Box-Muller, no cached second value, so the
 * sequence depends only on the number of calls). */
double fl_rng_normal(fl_rng *r);

/* Shuffle `n` indices in place (Fisher-Yates). */
void fl_rng_shuffle(fl_rng *r, uint32_t *idx, uint32_t n);

#endif
