#!/bin/sh
# Runs every plan as a sweep into out/experiments/<plan>/ (about 3 h on the 2-core VM). A sweep
# started again skips its finished runs; `sparse-ternary sweep status -o out/experiments/<plan>`
# shows where one is. Extra arguments go to each sweep (e.g. --workers 1).
set -e
cd "$(dirname "$0")/../.."
for plan in mnist-lfc fashion-mnist-lfc cifar10-cnv mnist-sfc mnist-lfc-scratch; do
  node apps/cli/dist/main.js sweep "tools/experiments/plans/$plan.json" -o "out/experiments/$plan" "$@"
done
