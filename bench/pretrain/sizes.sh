#!/usr/bin/env bash
# Held-out loss against CPU time for the causal-LM presets (issue 13, item 2). Each preset gets the same CPU budget on
# the same corpus, tokenizer and thread count: a 10-step calibration run measures its CPU seconds per step (process
# CPU time, so other load on the machine changes the wall time, not the figure), and the measured run's step count is
# set so that its whole schedule (warm-up, linear decay) fits the budget.
#   bench/pretrain/sizes.sh OUT_DIR CPU_MINUTES [PRESET...]        (default presets: small medium large)
# WINNOW (default ./winnow) is the command to run; THREADS (default 1) the libtorch threads.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(mkdir -p "${1:?output folder}" && cd "$1" && pwd)"; budget="${2:?CPU minutes per preset}"; shift 2
presets=("$@"); [ ${#presets[@]} -eq 0 ] && presets=(small medium large)
winnow=${WINNOW:-./winnow}
export WINNOW_CACHE="${WINNOW_CACHE:-$root/.build/pretrain-sizes-cache}"
common=(pretrain --family lm --vocab-size 8192 --batch-size 16 --seq-len 256 --max-texts 300000 --lr 1e-3 --threads "${THREADS:-1}")
cd "$root"
source bench/pretrain/machine.sh
report_of() { # preset steps -> the cached model folder's pretrain-report.json
  for d in "$WINNOW_CACHE"/models/lm-"$1"-*/; do
    [ -f "$d/pretrain-report.json" ] && python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r['Steps']==int(sys.argv[2]) else 1)" "$d/pretrain-report.json" "$2" && { echo "$d/pretrain-report.json"; return; }
  done; return 1; }
started "$out/machine.txt" "threads ${THREADS:-1}"
for preset in "${presets[@]}"; do
  # No probe evaluations inside the calibration (--eval-every beyond its steps): they would inflate the cost per step.
  $winnow "${common[@]}" --preset "$preset" --steps 10 --eval-every 1000 > "$out/$preset-calibration.log" 2>&1
  per_step=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['CpuSeconds']/r['Steps'])" "$(report_of "$preset" 10)")
  steps=$(python3 -c "import sys; print(max(20, int(float(sys.argv[1])*60/float(sys.argv[2]))))" "$budget" "$per_step")
  echo "$preset: $per_step CPU s/step in calibration -> $steps steps for $budget CPU min" | tee -a "$out/machine.txt"
  $winnow "${common[@]}" --preset "$preset" --steps "$steps" > "$out/$preset.log" 2> "$out/$preset.stderr"
  cp "$(report_of "$preset" "$steps")" "$out/$preset.json"
done
finished "$out/machine.txt"
