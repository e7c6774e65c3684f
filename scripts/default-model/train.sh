#!/usr/bin/env bash
# Rebuilds resources/models/default with Dulcet's own trainer (see resources/models/README.md).
# Three stages on the wasm backend, each starting from the previous stage's model:
#   1. 200 steps, paired weight 10, reconstruction weight 1, lr 3e-4   (learn the mapping fast)
#   2. 400 steps, reconstruction weight 10, lr 2e-4                   (pull the output back toward the input)
#   3. 100 steps, reconstruction weight 40, lr 1e-4                   (keep intelligibility: STOI)
# Usage: scripts/default-model/train.sh [work_dir]    (about 20 minutes on 2 cores)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-/tmp/dulcet-default-model}
dulcet="node $root/bin/dulcet.mjs"
bash "$root/scripts/stage-dev-data.sh" "$root/../shared/data/speech-dev" "$work/data"
data="--synthetic $work/data/train/synthetic --real $work/data/train/real"
rm -rf "$work/run1" "$work/run2" "$work/run3"
$dulcet train $data --config "$here/stage1.json" --steps 200 --out "$work/run1"
$dulcet train $data --config "$here/stage2.json" --steps 400 --init "$work/run1/model" --out "$work/run2"
$dulcet train $data --config "$here/stage3.json" --steps 100 --init "$work/run2/model" --out "$work/run3"
$dulcet export "$work/run3/checkpoints/100" "$root/resources/models/default" \
  --name "Dulcet default (speech-dev)" \
  --description "Generic enhancer for TTS/vocoder-like speech at 16 kHz: 34-layer residual dilated conv generator (24 channels), trained with Dulcet's GAN trainer on the speech-dev set (gl32, opus6k, codec2_3200, lp4k -> clean). Fine-tune it on your own voice for best results." \
  --source "dulcet train on speech-dev (scripts/default-model/train.sh; resources/models/README.md)"
bash "$root/scripts/eval-heldout.sh" "$root/resources/models/default" "$work/data"
