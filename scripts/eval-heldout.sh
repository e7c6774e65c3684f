#!/usr/bin/env bash
# Enhances the held-out dev clips (laid out by scripts/stage-dev-data.sh) with a model and scores
# unprocessed and enhanced audio against the real recordings, per synthetic kind.
# Usage: [STRENGTH=s] scripts/eval-heldout.sh [model_dir] [staged_dir]   (prints one JSON line per kind and version)
set -euo pipefail
strength=${STRENGTH:-1}
model=${1:-$(dirname "$0")/../resources/models/default}
staged=${2:-/tmp/dulcet-dev}
dulcet="node $(dirname "$0")/../bin/dulcet.mjs"
out=$(mktemp -d)
for kind in gl32 opus6k codec2_3200 lp4k; do
  $dulcet batch "$staged/heldout/$kind" "$out/$kind" --model "$model" --overwrite --format float32 --strength "$strength" >/dev/null
  for version in unprocessed enhanced; do
    est="$staged/heldout/$kind"; [ "$version" = enhanced ] && est="$out/$kind"
    mean=$($dulcet eval --ref "$staged/heldout-clean/$kind" --est "$est" --json 2>/dev/null | node -e \
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s).mean)))')
    echo "{\"kind\":\"$kind\",\"version\":\"$version\",\"mean\":$mean}"
  done
done
rm -rf "$out"
