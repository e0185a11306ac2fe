/* kinds.c - the ONE table of model kinds, in the order `floe train --help`
 * lists them. Each kind is defined in its own lib/ml/<kind>.c as
 * `const fl_model_kind fl_kind_<name>`; adding a kind = one extern line
 * and one row here. */
#include <stddef.h>

#include "ml/model.h"

extern const fl_model_kind fl_kind_linear_regression;
extern const fl_model_kind fl_kind_ridge;
extern const fl_model_kind fl_kind_logistic_regression;
extern const fl_model_kind fl_kind_pca;
extern const fl_model_kind fl_kind_kmeans;
extern const fl_model_kind fl_kind_random_forest;
extern const fl_model_kind fl_kind_random_forest_regressor;
extern const fl_model_kind fl_kind_mlp;
extern const fl_model_kind fl_kind_mlp_regressor;

const fl_model_kind *const fl_model_kinds[] = {
	&fl_kind_linear_regression,
	&fl_kind_ridge,
	&fl_kind_logistic_regression,
	&fl_kind_pca,
	&fl_kind_kmeans,
	&fl_kind_random_forest,
	&fl_kind_random_forest_regressor,
	&fl_kind_mlp,
	&fl_kind_mlp_regressor,
	NULL,
};
