/* rng.c - xoshiro256** seeded by splitmix64. */
#include "core/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void fl_rng_seed(fl_rng *r, uint64_t seed, uint64_t stream)
{
	/* Mix the stream through splitmix first so nearby (seed, stream)
	 * pairs give unrelated states. */
	uint64_t x = seed;
	uint64_t mix = splitmix64(&x) ^ (stream * 0xd1342543de82ef95ull);
	x = mix;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t fl_rng_next(fl_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double fl_rng_uniform(fl_rng *r)
{
	return (double)(fl_rng_next(r) >> 11) * 0x1.0p-53;
}

__extension__ typedef unsigned __int128 u128;

uint64_t fl_rng_below(fl_rng *r, uint64_t n)
{
	u128 m = (u128)fl_rng_next(r) * n;
	uint64_t low = (uint64_t)m;

	if (low < n) {
		uint64_t t = -n % n;
		while (low < t) {
			m = (u128)fl_rng_next(r) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double fl_rng_normal(fl_rng *r)
{
	double u1 = 1.0 - fl_rng_uniform(r); /* (0, 1] so log is finite */
	double u2 = fl_rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

void fl_rng_shuffle(fl_rng *r, uint32_t *idx, uint32_t n)
{
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = (uint32_t)fl_rng_below(r, i);
		uint32_t t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}
