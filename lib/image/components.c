/* components.c - flood-filling 8-connected objects, keeping the largest. */
#include "image/components.h"

#include <string.h>

/* Fill the object containing pixel `start` with `id` in lab[], using
 * `stack` (w * h entries) as the work list; returns its area. */
static long fill(const uint8_t *mask, int w, int h, int32_t *lab, int32_t *stack, int start,
		 int32_t id)
{
	long top = 0, area = 0;

	stack[top++] = start;
	lab[start] = id;
	while (top) {
		int p = stack[--top], y = p / w, x = p % w;

		area++;
		for (int dy = -1; dy <= 1; dy++) {
			int yy = y + dy;
			if (yy < 0 || yy >= h)
				continue;
			for (int dx = -1; dx <= 1; dx++) {
				int xx = x + dx, q = yy * w + xx;
				if (xx < 0 || xx >= w || !mask[q] || lab[q])
					continue;
				lab[q] = id;
				stack[top++] = q;
			}
		}
	}
	return area;
}

void fl_largest_component(uint8_t *mask, int w, int h, int32_t *work, int *n_objects,
			  long *area)
{
	int n = w * h, count = 0;
	int32_t best_id = 0;
	long best_area = 0;
	int32_t *lab = work, *stack = work + n;

	memset(lab, 0, (size_t)n * sizeof(int32_t));
	for (int p = 0; p < n; p++) {
		long a;
		if (!mask[p] || lab[p])
			continue;
		a = fill(mask, w, h, lab, stack, p, ++count);
		if (a > best_area) {
			best_area = a;
			best_id = count;
		}
	}
	for (int p = 0; p < n; p++)
		mask[p] = count && lab[p] == best_id;
	*n_objects = count;
	*area = best_area;
}
