#!/usr/bin/env bash
# Rebuilds resources/models/default with Dulcet's own trainer (see resources/models/README.md).
# Five stages on the wasm backend, each starting from the previous stage's model:
#   1. 800 steps from a fresh (identity) generator with input spectrum, whole-file band input and output gate:
#      paired mel weight 600
#   2. 700 more steps, same settings (a fresh critic and optimiser, as when a run is resumed as a fine-tune)
#   3. 100 steps with a 4.5 kHz high-pass on the stack's residual (the band below is left to the input)
#   4. 200 steps with a 257-tap FIR equaliser added (it works where the gate is closed), lr 1e-4
#   5. 300 steps with the gl32 pairs three times as often (full-band input the model should mostly leave alone),
#      generator lr 3e-5
# Usage: scripts/default-model/train.sh [work_dir]    (about 19 minutes on 2 cores)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-/tmp/dulcet-default-model}
dulcet="node $root/bin/dulcet.mjs"
bash "$root/scripts/stage-dev-data.sh" "$root/../shared/data/speech-dev" "$work/data"
data="--synthetic $work/data/train/synthetic --real $work/data/train/real"
# stage 5's data: the same pairs, gl32 in three folders (hard links)
gl3="$work/data/train-gl3"
rm -rf "$gl3" "$work/run1" "$work/run2" "$work/run3" "$work/run4" "$work/run5"
for side in synthetic real; do
  mkdir -p "$gl3/$side"
  for kind in gl32 opus6k codec2_3200 lp4k; do cp -al "$work/data/train/$side/$kind" "$gl3/$side/$kind"; done
  cp -al "$work/data/train/$side/gl32" "$gl3/$side/gl32b"
  cp -al "$work/data/train/$side/gl32" "$gl3/$side/gl32c"
done
$dulcet train $data --config "$here/stage1.json" --steps 800 --out "$work/run1"
$dulcet train $data --config "$here/stage2.json" --steps 700 --init "$work/run1/model" --out "$work/run2"
$dulcet train $data --config "$here/stage3.json" --steps 100 --init "$work/run2/model" --out "$work/run3"
$dulcet train $data --config "$here/stage4.json" --steps 200 --init "$work/run3/model" --out "$work/run4"
$dulcet train --synthetic "$gl3/synthetic" --real "$gl3/real" --config "$here/stage5.json" --steps 300 --init "$work/run4/model" --out "$work/run5"
$dulcet export "$work/run5/checkpoints/300" "$root/resources/models/default" \
  --name "Dulcet default (speech-dev)" \
  --description "Generic enhancer for TTS/vocoder-like speech at 16 kHz: 34-layer residual dilated conv generator (24 channels) with input spectrum, whole-file band input (full-band or band-limited), output gate, 4.5 kHz residual high-pass and FIR equaliser, trained with Dulcet's GAN trainer on the speech-dev set (gl32, opus6k, codec2_3200, lp4k -> clean). Fine-tune it on your own voice for best results." \
  --source "dulcet train on speech-dev (scripts/default-model/train.sh; resources/models/README.md)"
bash "$root/scripts/eval-heldout.sh" "$root/resources/models/default" "$work/data"
