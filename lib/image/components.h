/* components.h - connected objects of a binary mask (8-connectivity). */
#ifndef FL_COMPONENTS_H
#define FL_COMPONENTS_H

#include <stdint.h>

#include "core/err.h"

/* Keep only the largest 8-connected object of mask (w x h, nonzero =
 * foreground) in place (1 inside, 0 elsewhere); on equal areas the one
 * whose first pixel comes first in row-major order. *n_objects receives
 * the number of objects, *area the kept one's pixel count (0 and 0 for an
 * empty mask). `work` is caller-owned scratch of at least 2 * w * h int32
 * (labels and the fill stack). */
void fl_largest_component(uint8_t *mask, int w, int h, int32_t *work, int *n_objects,
			  long *area);

#endif
