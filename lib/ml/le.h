/* le.h - explicit little-endian stores and loads, so serialised files read
 * the same on any host (model files use these for every number). */
#ifndef FL_LE_H
#define FL_LE_H

#include <stdint.h>
#include <string.h>

static inline void fl_le_store_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void fl_le_store_u64(uint8_t *p, uint64_t v)
{
	fl_le_store_u32(p, (uint32_t)v);
	fl_le_store_u32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t fl_le_load_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t fl_le_load_u64(const uint8_t *p)
{
	return (uint64_t)fl_le_load_u32(p) | (uint64_t)fl_le_load_u32(p + 4) << 32;
}

/* IEEE 754 values travel as their bit patterns. */
static inline void fl_le_store_f64(uint8_t *p, double v)
{
	uint64_t u;

	memcpy(&u, &v, 8);
	fl_le_store_u64(p, u);
}

static inline double fl_le_load_f64(const uint8_t *p)
{
	uint64_t u = fl_le_load_u64(p);
	double v;

	memcpy(&v, &u, 8);
	return v;
}

static inline void fl_le_store_f32(uint8_t *p, float v)
{
	uint32_t u;

	memcpy(&u, &v, 4);
	fl_le_store_u32(p, u);
}

static inline float fl_le_load_f32(const uint8_t *p)
{
	uint32_t u = fl_le_load_u32(p);
	float v;

	memcpy(&v, &u, 4);
	return v;
}

#endif
