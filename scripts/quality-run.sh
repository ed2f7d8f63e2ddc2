#!/usr/bin/env bash
# The quality run behind the README's headline (not CI: ~20–30 min on 2 cores).
#
# Cross-generator validation: galspin has two independently written mock families (src/survey:
# `analytic` and `particle`) that share only the nuisance distribution. Each model is trained on one
# family and judged on a fresh survey of the OTHER; stress sets vary one nuisance at a time; galspin's
# classical λRe–ε rule is scored on the same maps; the shortcut audit checks that nuisance alone does
# not tell the class. The own-family test split is only a footnote.
#
#   scripts/quality-run.sh [OUT_DIR]      # default runs/quality
#   PUBLISH=1 scripts/quality-run.sh      # also copy the champion (and its velocity-only fallback)
#                                         # into models/ and point models/champion.json at them
# Env: EPOCHS (30), PATIENCE (8), N_TRAIN_ANALYTIC (1200 labeled), N_TRAIN_PARTICLE (800; the
#      particle mock costs ~0.3 s a galaxy on one core), N_TEST (500), N_STRESS (120 per set),
#      CHAMPION_FAMILY (analytic: the family the champion is trained on — its rows are all on the
#      other family, which it never saw; both directions are measured and tabled),
#      STAGES (surveys,audit,train,evaluate,paper,table).
#      Surveys are generated two at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/quality}
EPOCHS=${EPOCHS:-30}
PATIENCE=${PATIENCE:-8}
N_TRAIN_ANALYTIC=${N_TRAIN_ANALYTIC:-1200}
N_TRAIN_PARTICLE=${N_TRAIN_PARTICLE:-800}
N_TEST=${N_TEST:-500}
N_STRESS=${N_STRESS:-120}
export CHAMPION_FAMILY=${CHAMPION_FAMILY:-analytic}
STAGES=${STAGES:-surveys,audit,train,evaluate,paper,table}
STRESS=(low-sn large-psf offset-centre systemic-offset hot-spaxels small large flat)
galspin() { node bin/galspin.mjs "$@"; }
say() { printf '[quality-run %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
has() { [[ ,$STAGES, == *,$1,* ]]; }
mkdir -p "$OUT/eval" "$OUT/models" "$OUT/surveys"
other() { [[ $1 == analytic ]] && echo particle || echo analytic; }
seed_of() { [[ $1 == analytic ]] && echo "$2" || echo $(($2 + 100)); }

if has surveys; then
  mkdir -p "$OUT/surveys"
  # NAME FAMILY N SEED [STRESS], one a line; two simulate processes at a time.
  {
    echo "analytic-train analytic $N_TRAIN_ANALYTIC 1"
    echo "analytic-test analytic $N_TEST 2"
    echo "particle-train particle $N_TRAIN_PARTICLE 101"
    echo "particle-test particle $N_TEST 102"
    for o in analytic particle; do
      i=10
      for s in "${STRESS[@]}"; do
        echo "$o-stress-$s $o $N_STRESS $(seed_of "$o" $i) $s"
        i=$((i + 1))
      done
    done
  } | OUT=$OUT xargs -P 2 -L 1 bash -c '
    dir=$OUT/surveys/$0
    [[ -f $dir/catalogue.csv ]] && exit 0
    printf "[quality-run] survey %s (%s, n=%s, seed %s%s)\n" "$0" "$1" "$2" "$3" "${4:+, stress $4}" >&2
    node bin/galspin.mjs simulate --family "$1" --n "$2" --seed "$3" --slow-fraction 0.5 --unknown 0 \
      --out "$dir" ${4:+--stress "$4"} >"$dir.txt"'
fi

if has audit; then
  for fam in analytic particle; do
    say "shortcut audit on $fam-train"
    galspin audit --data "$OUT/surveys/$fam-train" --json >"$OUT/eval/audit-$fam.json"
  done
fi

if has train; then
  for fam in analytic particle; do
    for input in velocity+dispersion velocity; do
      tag=$fam-${input/+/-}
      [[ -f $OUT/models/$tag/model.json ]] && continue
      say "train $tag"
      # The serving temperature is fitted on the OTHER family's training survey (never its test
      # survey): within one family validation is separable and its temperature collapses.
      galspin train --data "$OUT/surveys/$fam-train" --out "$OUT/models/$tag" --input "$input" \
        --calibrate-on "$OUT/surveys/$(other "$fam")-train" --epochs "$EPOCHS" --patience "$PATIENCE" 2>"$OUT/models/$tag.log" | tee "$OUT/models/$tag.txt"
    done
  done
fi

evaluate() { # evaluate MODEL_TAG SURVEY
  local out=$OUT/eval/$1--$2.json
  [[ -f $out ]] && return
  # Written whole or not at all: a failed evaluation must not leave a file that later runs skip.
  galspin evaluate --model "$OUT/models/$1" --data "$OUT/surveys/$2" --format json >"$out.tmp" 2>"$out.log"
  mv "$out.tmp" "$out"
}

if has evaluate; then
  for fam in analytic particle; do
    o=$(other "$fam")
    for input in velocity-dispersion velocity; do
      say "evaluate $fam-$input on $o-test"
      evaluate "$fam-$input" "$o-test"
      for s in "${STRESS[@]}"; do evaluate "$fam-$input" "$o-stress-$s"; done
    done
  done
fi

if has paper; then
  # The paper's protocol (augment, then split; select on its test part) on the analytic family,
  # velocity only, judged on the particle family like every other row.
  if [[ ! -f $OUT/models/paper-protocol/model.json ]]; then
    say "train paper-protocol"
    galspin train --data "$OUT/surveys/analytic-train" --out "$OUT/models/paper-protocol" --input velocity \
      --protocol paper --epochs 15 --paper-copies 3,3 2>"$OUT/models/paper-protocol.log" | tee "$OUT/models/paper-protocol.txt"
  fi
  evaluate paper-protocol particle-test
fi

if has table; then
  npx tsx scripts/quality-table.ts "$OUT" >"$OUT/quality-table.md"
  say "table: $OUT/quality-table.md"
  cat "$OUT/quality-table.md"
fi

if [[ ${PUBLISH:-0} == 1 ]]; then
  champ=$(node -p "require(require('node:path').resolve('$OUT/quality.json')).champion.tag")
  fallback=${champ%-velocity-dispersion}-velocity
  version=$(node -p "require(require('node:path').resolve('$OUT/models/$champ/metrics.json')).modelVersion")
  fversion=$(node -p "require(require('node:path').resolve('$OUT/models/$fallback/metrics.json')).modelVersion")
  mkdir -p "models/$version" "models/$fversion"
  cp "$OUT/models/$champ"/{model.json,weights.bin,metrics.json,model-card.md,history.csv} "models/$version/"
  cp "$OUT/models/$fallback"/{model.json,weights.bin,metrics.json,model-card.md,history.csv} "models/$fversion/"
  cp "$OUT/quality-table.md" "models/$version/quality-table.md"
  printf '\n# Quality table (scripts/quality-run.sh): data it never saw\n\n' >>"models/$version/model-card.md"
  cat "$OUT/quality-table.md" >>"models/$version/model-card.md"
  printf '{\n  "version": "%s",\n  "promotedAt": "%s",\n  "reason": "quality run: cross-generator validation (scripts/quality-run.sh)",\n  "fallback": "%s"\n}\n' \
    "$version" "$(date -u +%FT%TZ)" "$fversion" >models/champion.json
  say "published models/$version (champion) with fallback models/$fversion"
fi
