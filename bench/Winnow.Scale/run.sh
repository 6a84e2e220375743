#!/usr/bin/env bash
# Streaming-at-scale bench (#7): builds NER pools of 10k/100k/1M sentences by repeating the bundled sample sentences
# (the reader gives each repeat a new id, "<hash>#k"), fits DSIR (model-free) once per pool, scores it, and selects
# 1000 from the scores; each step runs as its own process under /usr/bin/time -v, so "peak RSS" is that step's
# VmHWM. Prints one Markdown table row per step. Usage: bench/Winnow.Scale/run.sh [SIZES…] (default 10000 100000 1000000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${WINNOW_SCALE_DIR:-/tmp/winnow-scale}"
sizes=("${@:-10000 100000 1000000}")
read -r -a sizes <<<"${sizes[*]}"
mkdir -p "$work"
"$root/winnow" --help >/dev/null   # builds the CLI once, outside the timings
dll="$root/.build/cli/winnow.dll"
samples=("$root"/samples/ner/pool/*)
target="$root/samples/ner/target"
map="$root/samples/ner/label-map.txt"

# Each sample file is one source; its sentences are repeated (in paragraph mode) to a quarter of the pool each, so
# every source keeps its own tag scheme and label-map section.
make_pool() { # n dir
  local n=$1 dir=$2 per=$(( $1 / ${#samples[@]} )) f
  mkdir -p "$dir"
  for f in "${samples[@]}"; do
    local name; name=$(basename "$f")
    while :; do sed -e '$a\' "$f"; echo; done | awk -v n="$per" 'BEGIN{RS="";ORS="\n\n"} NR>n{exit} {print}' > "$dir/$name" || true
  done
}

step() { # name size cmd… → "| step | size | seconds | peak RSS MiB |"
  local name=$1 size=$2; shift 2
  local log="$work/time-$name-$size.txt"
  /usr/bin/time -v "$@" >"$work/out-$name-$size.txt" 2>"$log"
  local secs rss
  secs=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{printf "%.0f", $NF/1024}')
  echo "| $name | $size | $secs | $rss |"
}

echo "| step | pool size | wall (m:ss) | peak RSS (MiB) |"
echo "|---|---:|---:|---:|"
for n in "${sizes[@]}"; do
  pool="$work/pool-$n"
  [ -d "$pool" ] || make_pool "$n" "$pool"
  run="$work/run-dsir-$n"; rm -rf "$run" "$work/scores-$n.parquet" "$work/scores-$n.parquet.parts"
  step fit-dsir "$n" dotnet "$dll" fit --method dsir --target "$target" --pool "$pool" --task ner --label-map "$map" --out "$run"
  step score-dsir "$n" dotnet "$dll" score --run "$run" --pool "$pool" --out "$work/scores-$n.parquet"
  step select "$n" dotnet "$dll" select --scores "$work/scores-$n.parquet" --pool "$pool" --task ner --label-map "$map" \
    --budget 1000 --out "$work/subset-$n.jsonl" --strategy score-only
done
