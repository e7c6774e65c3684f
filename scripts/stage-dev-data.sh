#!/usr/bin/env bash
# Lays out ../shared/data/speech-dev for training and evaluating the default model, as copies:
#   <dest>/train/synthetic/<kind>/<clip>.wav  <-  speech-dev/<kind>/<clip>.wav   (kind: gl32 opus6k codec2_3200 lp4k)
#   <dest>/train/real/<kind>/<clip>.wav       <-  speech-dev/clean/<clip>.wav     (same relative path => a pair)
#   <dest>/heldout/<kind>/<clip>.wav and <dest>/heldout-clean/<kind>/<clip>.wav  (never trained on)
# Every 5th clip in sorted order is held out (15 of 75, all six speakers represented).
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../../shared/data/speech-dev}" && pwd)
dest=${2:-/tmp/dulcet-dev}
rm -rf "$dest"
kinds="gl32 opus6k codec2_3200 lp4k"
i=0
for clean in $(ls "$src/clean"/*.wav | sort); do
  clip=$(basename "$clean")
  if (( i % 5 == 0 )); then part=heldout; else part=train; fi
  for kind in $kinds; do
    if [ "$part" = train ]; then
      mkdir -p "$dest/train/synthetic/$kind" "$dest/train/real/$kind"
      cp "$src/$kind/$clip" "$dest/train/synthetic/$kind/$clip"
      cp "$clean" "$dest/train/real/$kind/$clip"
    else
      mkdir -p "$dest/heldout/$kind" "$dest/heldout-clean/$kind"
      cp "$src/$kind/$clip" "$dest/heldout/$kind/$clip"
      cp "$clean" "$dest/heldout-clean/$kind/$clip"
    fi
  done
  i=$((i + 1))
done
echo "staged $(ls "$dest/train/real/gl32" | wc -l) training and $(ls "$dest/heldout/gl32" | wc -l) held-out clips per kind in $dest"
