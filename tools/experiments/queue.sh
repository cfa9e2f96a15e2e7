#!/bin/sh
# Runs every plan, in order (the whole set takes about 3 h on the 2-core VM).
set -e
cd "$(dirname "$0")/../.."
for plan in mnist-lfc fashion-mnist-lfc cifar10-cnv mnist-sfc; do
  node tools/experiments/run.mjs "tools/experiments/plans/$plan.json"
done
