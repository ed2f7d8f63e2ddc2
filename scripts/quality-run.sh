#!/usr/bin/env bash
# Full-size quality run (not CI): a paper-sized synthetic survey (`galspin simulate` defaults: 1,112
# labeled = 980 fast + 132 slow, plus 854 unknown), the Table 1 CNN trained with the honest protocol,
# then the same survey under the paper's leaky protocol for comparison. Each model folder gets
# model.json, weights.bin, metrics.json, model-card.md and history.csv.
#
#   scripts/quality-run.sh [OUT_DIR]            # default runs/quality
#   PUBLISH=1 scripts/quality-run.sh            # also copy both models into models/ and make the
#                                               # honest one the champion (models/champion.json)
# Env: SEED (1), EPOCHS (honest, 60), PAPER_EPOCHS (15), PAPER_COPIES (fast,slow augmented copies per
# galaxy in the paper pool; the paper used ≈10,74 — 3,22 keeps the run within an hour on 2 cores),
# STAGES (honest,paper,unknown — the last classifies the survey's unlabeled galaxies with the honest
# model, as the paper did for its 854), SURVEY (reuse an existing survey folder), GALSPIN_BACKEND (auto).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/quality}
SEED=${SEED:-1}
EPOCHS=${EPOCHS:-60}
PAPER_EPOCHS=${PAPER_EPOCHS:-15}
PAPER_COPIES=${PAPER_COPIES:-3,22}
galspin() { node bin/galspin.mjs "$@"; }
mkdir -p "$OUT"
say() { printf '[quality-run %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

STAGES=${STAGES:-honest,paper,unknown}
SURVEY=${SURVEY:-$OUT/survey}
if [[ ! -f $SURVEY/catalogue.csv ]]; then
  say "simulating the paper-sized survey (seed $SEED)"
  galspin simulate --out "$SURVEY" --seed "$SEED"
fi

if [[ ,$STAGES, == *,honest,* ]]; then
  say "honest protocol: $EPOCHS epochs max"
  galspin train --data "$SURVEY" --out "$OUT/honest" --protocol honest --epochs "$EPOCHS" --seed "$SEED" \
    2> >(tee "$OUT/honest.log" >&2) | tee "$OUT/honest.txt"
fi

if [[ ,$STAGES, == *,paper,* ]]; then
  say "paper protocol: $PAPER_EPOCHS epochs, copies $PAPER_COPIES"
  galspin train --data "$SURVEY" --out "$OUT/paper" --protocol paper --epochs "$PAPER_EPOCHS" --seed "$SEED" \
    --paper-copies "$PAPER_COPIES" 2> >(tee "$OUT/paper.log" >&2) | tee "$OUT/paper.txt"
fi

if [[ ,$STAGES, == *,unknown,* ]]; then
  say "classifying the survey's unknown galaxies with the honest model"
  awk -F, 'NR > 1 && $2 == "unknown" { print $9 }' "$SURVEY/catalogue.csv" | sed "s|^|$SURVEY/|" >"$OUT/unknown-files.txt"
  if [[ -s $OUT/unknown-files.txt ]]; then
    xargs -a "$OUT/unknown-files.txt" node bin/galspin.mjs predict --model "$OUT/honest" --format csv \
      >"$OUT/honest/unknown-predictions.csv"
    awk -F, '$4 != "class" { n[$4]++ } END { for (c in n) printf "  %s %d\n", c, n[c] }' "$OUT/honest/unknown-predictions.csv" |
      sort | tee "$OUT/honest/unknown-summary.txt"
  fi
fi

if [[ ${PUBLISH:-0} == 1 ]]; then
  # OUT may be absolute or relative to the repository root.
  version=$(node -p "require(require('node:path').resolve(process.argv[1], 'honest/metrics.json')).modelVersion" "$OUT")
  mkdir -p "models/$version" "models/$version-paper-protocol"
  cp "$OUT"/honest/{model.json,weights.bin,metrics.json,model-card.md,history.csv} "models/$version/"
  cp "$OUT"/honest/unknown-*.{csv,txt} "models/$version/" 2>/dev/null || true
  cp "$OUT"/paper/{model.json,weights.bin,metrics.json,model-card.md,history.csv} "models/$version-paper-protocol/"
  printf '{\n  "version": "%s",\n  "promotedAt": "%s",\n  "reason": "quality run, honest protocol"\n}\n' \
    "$version" "$(date -u +%FT%TZ)" >models/champion.json
  say "published models/$version (champion) and models/$version-paper-protocol"
fi
say "done: $OUT/honest/model-card.md, $OUT/paper/model-card.md"
