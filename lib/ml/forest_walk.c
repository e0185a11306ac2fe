/* forest_walk.c - leaves of many rows in one tree: a portable walker that
 * keeps 16 rows in flight, and an AVX-512 walker over packed nodes that
 * moves 16 rows per instruction. Both give the same value row per row. */
#include "ml/forest_walk.h"

#include <stddef.h>
#include <stdlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define FL_WALK_AVX512 1
#include <immintrin.h>
#endif

/* ---- portable ---- */

/* WALK_GROUP rows are in flight at once, one level per pass: their node
 * loads are independent, so the memory system overlaps them instead of
 * waiting for one row at a time; a row that reaches its leaf hands its
 * slot to the next row. (Measured against walking groups in lockstep, with
 * leaves that loop to themselves or with a conditional move: no faster,
 * or slower.) */
#define WALK_GROUP 16

void fl_tree_walk_scalar(const fl_tree *t, const uint8_t *codes, size_t F,
			 size_t m, uint32_t *value)
{
	const fl_tree_node *nodes = t->nodes;
	const uint8_t *rc[WALK_GROUP]; /* the slot's row codes; NULL: done */
	uint32_t id[WALK_GROUP];
	size_t row[WALK_GROUP], next = 0, live = 0, G;

	for (G = 0; G < WALK_GROUP && next < m; G++, live++) {
		row[G] = next;
		rc[G] = codes + next++ * F;
		id[G] = 0;
	}
	while (live > 0) {
		for (size_t g = 0; g < G; g++) {
			if (!rc[g])
				continue;
			fl_tree_node nd = nodes[id[g]];
			if (nd.leaf) {
				value[row[g]] = nd.left;
				if (next < m) {
					row[g] = next;
					rc[g] = codes + next++ * F;
					id[g] = 0;
				} else {
					rc[g] = NULL;
					live--;
				}
				continue;
			}
			id[g] = nd.left + (rc[g][nd.feature] > nd.bin);
		}
	}
}

/* ---- packed nodes ---- */

/* One 32-bit word per node. A leaf: bit 31 set, its value row below. An
 * inner node: bin in bits 0-7, feature from bit 8, `left` from bit
 * packed_shift = 8 + the bits of the largest feature index. */
#define PACKED_LEAF 0x80000000u

static unsigned bits_for(size_t x) /* bits to write 0..x */
{
	unsigned b = 0;

	while (x >> b)
		b++;
	return b;
}

static int have_vector_walker(void);

int fl_tree_walk_prepare(fl_tree *t, size_t F, fl_err *err)
{
	unsigned shift = 8 + bits_for(F > 0 ? F - 1 : 0);

	free(t->packed);
	t->packed = NULL;
	if (!have_vector_walker() || shift >= 31 || t->n_nodes == 0 ||
	    (t->n_nodes - 1) >> (31 - shift) || t->n_values > PACKED_LEAF)
		return 0;
	if (!(t->packed = malloc(t->n_nodes * sizeof(*t->packed))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		const fl_tree_node *nd = &t->nodes[i];
		t->packed[i] = nd->leaf ? PACKED_LEAF | nd->left :
			       (uint32_t)nd->bin | (uint32_t)nd->feature << 8 |
			       nd->left << shift;
	}
	t->packed_shift = (uint8_t)shift;
	return 0;
}

/* ---- AVX-512 ---- */

#ifdef FL_WALK_AVX512

#define AVX512 __attribute__((target("avx512f")))

static int have_vector_walker(void)
{
	return __builtin_cpu_supports("avx512f");
}

/* 16 rows in the 16 lanes of a vector: each lane's row, the offset of its
 * codes and its current node; `live` marks the lanes in use. */
typedef struct lanes {
	__m512i row, off, id;
	__mmask16 live;
} lanes;

/* The walk's shared state: the tree, the rows still to start, and the
 * rows finished but not yet written out. */
typedef struct walk_state {
	const int *packed;
	__m512i fmask;         /* feature bits, after the shift by 8 */
	__m128i shift;         /* packed_shift */
	const uint8_t *codes;
	uint32_t next, m;      /* next row to start; rows */
	int32_t F;
	uint32_t *done_row, *done_val, n_done;
} walk_state;

static const int32_t lane_index[16] = { 0, 1, 2, 3, 4, 5, 6, 7,
					8, 9, 10, 11, 12, 13, 14, 15 };

/* Start rows in the lanes of `fill`, lowest lane first, while rows remain;
 * returns the lanes that got one. */
AVX512 static inline __mmask16 refill(lanes *L, __mmask16 fill, walk_state *w)
{
	const __m512i lane = _mm512_loadu_si512(lane_index);
	uint32_t k = (uint32_t)__builtin_popcount(fill);

	while (k > w->m - w->next) { /* fewer rows left than lanes */
		fill &= (__mmask16)~(1u << (31 - __builtin_clz(fill)));
		k--;
	}
	__m512i seq = _mm512_add_epi32(_mm512_set1_epi32((int)w->next), lane);
	L->row = _mm512_mask_expand_epi32(L->row, fill, seq);
	L->off = _mm512_mask_expand_epi32(L->off, fill,
		_mm512_mullo_epi32(seq, _mm512_set1_epi32(w->F)));
	L->id = _mm512_mask_mov_epi32(L->id, fill, _mm512_setzero_si512());
	w->next += k;
	return fill;
}

/* One level for the live lanes: a lane at an inner node moves to a child;
 * a lane at a leaf hands over its value row and takes the next row. No
 * branch depends on the lanes' data: which lanes finish is unpredictable. */
AVX512 static inline void step(lanes *L, walk_state *w)
{
	const __m512i zero = _mm512_setzero_si512();
	const __m512i lo8 = _mm512_set1_epi32(0xff);
	__m512i word = _mm512_mask_i32gather_epi32(zero, L->live, L->id,
						   w->packed, 4);
	__mmask16 at_leaf = _mm512_mask_cmplt_epi32_mask(L->live, word, zero);
	__mmask16 inner = L->live & (__mmask16)~at_leaf;
	__m512i feat = _mm512_and_si512(_mm512_srli_epi32(word, 8), w->fmask);
	__m512i code = _mm512_mask_i32gather_epi32(zero, inner,
		_mm512_add_epi32(L->off, feat), w->codes, 1);
	__mmask16 right = _mm512_mask_cmpgt_epi32_mask(inner,
		_mm512_and_si512(code, lo8), _mm512_and_si512(word, lo8));

	/* finished rows and their value rows, packed to the front of a
	 * full-width store (cheaper than a scatter) */
	_mm512_storeu_si512(w->done_row + w->n_done,
			    _mm512_maskz_compress_epi32(at_leaf, L->row));
	_mm512_storeu_si512(w->done_val + w->n_done,
		_mm512_maskz_compress_epi32(at_leaf, _mm512_and_si512(word,
			_mm512_set1_epi32((int)~PACKED_LEAF))));
	w->n_done += (uint32_t)__builtin_popcount(at_leaf);
	L->id = _mm512_mask_mov_epi32(L->id, inner,
				      _mm512_srl_epi32(word, w->shift));
	L->id = _mm512_mask_add_epi32(L->id, right, L->id,
				      _mm512_set1_epi32(1));
	L->live = (__mmask16)(inner | refill(L, at_leaf, w));
}

/* Lane groups walked in turn: each level of one group waits on two
 * gathers in a row, so independent groups keep the load units busy
 * (measured: 1 group is 1.5x slower than 2; 2, 4 and 8 are level). */
#define GROUPS 4
#define DONE_MAX 1024 /* finished rows kept before they are written out */

AVX512 static void walk_packed(const fl_tree *t, const uint8_t *codes,
			       int32_t F, uint32_t m, uint32_t *value)
{
	uint32_t done_row[DONE_MAX + GROUPS * 16];
	uint32_t done_val[DONE_MAX + GROUPS * 16];
	unsigned fbits = t->packed_shift - 8u;
	walk_state w = { .packed = (const int *)(const void *)t->packed,
		   .fmask = _mm512_set1_epi32((int)((1u << fbits) - 1)),
		   .shift = _mm_cvtsi32_si128(t->packed_shift),
		   .codes = codes, .next = 0, .m = m, .F = F,
		   .done_row = done_row, .done_val = done_val, .n_done = 0 };
	lanes g[GROUPS];
	__mmask16 live;

	for (int i = 0; i < GROUPS; i++) {
		g[i].row = g[i].off = g[i].id = _mm512_setzero_si512();
		g[i].live = refill(&g[i], 0xffff, &w);
	}
	do {
		live = 0;
		for (int i = 0; i < GROUPS; i++) {
			step(&g[i], &w);
			live |= g[i].live;
		}
		if (w.n_done >= DONE_MAX || !live) {
			for (uint32_t k = 0; k < w.n_done; k++)
				value[done_row[k]] = done_val[k];
			w.n_done = 0;
		}
	} while (live);
}

int fl_tree_walk_vector(const fl_tree *t, const uint8_t *codes, size_t F,
			size_t m, uint32_t *value)
{
	if (!t->packed || F == 0 || m > UINT32_MAX ||
	    m > ((size_t)INT32_MAX - FL_TREE_WALK_PAD) / F)
		return -1;
	walk_packed(t, codes, (int32_t)F, (uint32_t)m, value);
	return 0;
}

#else

static int have_vector_walker(void)
{
	return 0;
}

int fl_tree_walk_vector(const fl_tree *t, const uint8_t *codes, size_t F,
			size_t m, uint32_t *value)
{
	(void)t, (void)codes, (void)F, (void)m, (void)value;
	return -1;
}

#endif

void fl_tree_walk(const fl_tree *t, const uint8_t *codes, size_t F, size_t m,
		  uint32_t *value)
{
	if (fl_tree_walk_vector(t, codes, F, m, value) < 0)
		fl_tree_walk_scalar(t, codes, F, m, value);
}
