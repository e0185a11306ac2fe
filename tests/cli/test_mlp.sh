#!/usr/bin/env bash
# test_mlp.sh - the neural-network kinds (mlp, mlp_regressor) from the
# command line: training on digits, byte-identical models for 1 and 2
# threads, progress on a terminal, model info, predict/score, and the bad
# inputs of issue 7 (unseen label, divergence, empty validation split).
. "$(dirname "$0")/lib.sh"

D=$SRC/tests/data

run floe train mlp "$D/digits8x8.csv" --label label --param max_iter=60 --json \
	--threads 1 -o "$WORK/m1.floe"
rc_is 0 "train mlp on digits"
acc=$(sed -n 's/^ *"accuracy": \([0-9.]*\).*/\1/p' "$OUT" | head -1)
ok "$(awk -v a="$acc" 'BEGIN{print (a >= 0.96) ? 0 : 1}')" "digits held-out accuracy >= 0.96 (got $acc)"
out_has '"n_iter": 60' "ran max_iter epochs"
run floe train mlp "$D/digits8x8.csv" --label label --param max_iter=60 --json \
	--threads 2 -o "$WORK/m2.floe"
cmp -s "$WORK/m1.floe" "$WORK/m2.floe"
ok $? "1 and 2 threads: byte-identical model files"
run floe train mlp "$D/digits8x8.csv" --label label --param max_iter=60 --seed 1 \
	-o "$WORK/m3.floe"
cmp -s "$WORK/m1.floe" "$WORK/m3.floe"
ok "$((1 - $?))" "another seed: another model"

run floe model info "$WORK/m1.floe"
rc_is 0 "model info"
out_has '^kind +mlp \(classification\)' "info names the kind"
out_has 'hidden_layer_sizes' "info shows the parameters"
out_has 'stopped_by +max_iter' "info shows why training stopped"
out_has 'weights +f32' "info lists the weights array"

# progress through the runner's bar, on a terminal (script gives a pty)
if script -qec "true" /dev/null >/dev/null 2>&1; then
	script -qec "$FLOE train mlp $D/digits8x8.csv --label label --param max_iter=3 \
		--param early_stopping=true -o $WORK/p.floe" /dev/null >"$WORK/tty.out" 2>&1
	grep -q 'epoch 3/3 loss [0-9.]* validation accuracy [0-9.]*' "$WORK/tty.out"
	ok $? "progress shows epoch, loss and validation score on a terminal"
else
	skip "script(1) cannot open a pseudo-terminal here"
fi

run floe predict "$WORK/m1.floe" "$D/digits8x8.csv" --proba -o "$WORK/pred.csv"
rc_is 0 "predict with probabilities"
is "$(head -1 "$WORK/pred.csv" | cut -d, -f1-3)" "prediction,proba_0,proba_1" "prediction header"
is "$(($(wc -l <"$WORK/pred.csv") - 1))" 1797 "one prediction per row"

# a label that training never saw
awk -F, -v OFS=, 'NR==2{$NF=42}{print}' "$D/digits8x8.csv" >"$WORK/unseen.csv"
run floe score "$WORK/m1.floe" "$WORK/unseen.csv" --label label
rc_is 1 "score with an unseen label fails"
err_has "class '42' was not seen in training" "message names the unseen label"

# diverging loss: SGD with a huge step on unscaled targets
run floe train mlp_regressor "$D/digits8x8.csv" --label label --param solver=sgd \
	--param learning_rate_init=50 --param max_iter=5 -o "$WORK/r.floe"
rc_is 1 "diverging training fails"
err_has 'training diverged in epoch [0-9]+: the loss became (NaN|infinite)' "message names the epoch"
[ ! -e "$WORK/r.floe" ]
ok $? "no model file written"

# early stopping without rows for a validation split
head -8 "$D/digits8x8.csv" >"$WORK/tiny.csv"
run floe train mlp "$WORK/tiny.csv" --label label --test-size 0 \
	--param early_stopping=true -o "$WORK/t.floe"
rc_is 1 "early stopping on 7 rows fails"
err_has 'early_stopping needs a validation split, but validation_fraction=0.1 of 7 rows leaves 0' \
	"message explains the empty validation split"

run floe train mlp "$D/digits8x8.csv" --label label --param activation=softplus -o "$WORK/x.floe"
rc_is 1 "unknown activation refused"
err_has "activation: 'softplus' is not" "message names the parameter"

# regression end to end
run floe train mlp_regressor "$D/digits8x8.csv" --label label --param max_iter=30 \
	--param learning_rate_init=0.01 -o "$WORK/reg.floe"
rc_is 0 "train mlp_regressor"
out_has 'r2 ' "regression metrics"

done_testing
