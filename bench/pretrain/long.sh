#!/usr/bin/env bash
# The confirming measurement of the causal-LM preset sizing (issue 13, item 2; docs/base-models.md): tiny and small,
# side by side with one libtorch thread each, for about the same CPU time (steps from sizes.sh's measured CPU seconds
# per step), each on the full default LM corpus with the 8,192-token BPE. The winner's folder is the one committed as
# lm-base (models/pretrained/), so tiny's options here are ModelCatalog.LmBase's.
#   bench/pretrain/long.sh OUT_DIR [TINY_STEPS SMALL_STEPS]       (default 2400 960: ~80 CPU-minutes each)
# WINNOW (default ./winnow) is the command to run; WINNOW_CACHE the cache the models land in.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(mkdir -p "${1:?output folder}" && cd "$1" && pwd)"; tiny_steps=${2:-2400}; small_steps=${3:-960}
winnow=${WINNOW:-./winnow}
common=(pretrain --family lm --vocab-size 8192 --batch-size 16 --seq-len 256 --max-texts 300000 --lr 1e-3 --threads 1)
cd "$root"
source bench/pretrain/machine.sh
started "$out/machine.txt" "threads 1 per run, tiny and small side by side"
$winnow --help > /dev/null # builds the CLI once, before two runs could race to build it
$winnow "${common[@]}" --preset tiny --steps "$tiny_steps" > "$out/tiny.log" 2> "$out/tiny.stderr" &
$winnow "${common[@]}" --preset small --steps "$small_steps" > "$out/small.log" 2> "$out/small.stderr" &
wait
finished "$out/machine.txt"
for preset in tiny small; do
  dir=$(sed -n 's/^Base model: //p' "$out/$preset.log")
  cp "$dir/pretrain-report.json" "$out/$preset.json"
done
python3 bench/pretrain/table.py "$out" --curves > "$out/table.md"
