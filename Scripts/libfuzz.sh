#!/usr/bin/env bash
# Runs graft-libfuzzer (built in SCRATCH by `make fuzz` or `make sanitize`) on every reader of given files:
# RUNS coverage-guided inputs each, grown from the real files in Tests/Fuzz/Corpus/TARGET into a fresh
# corpus (SCRATCH/corpus/TARGET), seeded by SEED. A trap, a hang (over 2 s), a refusal unfit for a user and,
# in the AddressSanitizer build, a memory error or a leak stop it; libFuzzer keeps the input as
# fuzz-TARGET-crash-<sha1> (or -leak-, -timeout-). Rerun one: GRAFT_FUZZ_TARGET=TARGET SCRATCH/release/graft-libfuzzer FILE
#
#   Scripts/libfuzz.sh SCRATCH RUNS SEED
set -euo pipefail
scratch=$1 runs=$2 seed=$3
targets="safetensors npy idx pth npz config-json config-yaml metrics"
for t in $targets; do
  rm -rf "$scratch/corpus/$t" && mkdir -p "$scratch/corpus/$t"
  start=$(date +%s)
  # SWIFT_BACKTRACE: Swift's crash handler would take a trap's signal first, and libFuzzer then keeps no input.
  if ! SWIFT_BACKTRACE=enable=no GRAFT_FUZZ_TARGET=$t LSAN_OPTIONS=suppressions=$PWD/Tests/Sanitizers/lsan-suppressions.txt \
    "$scratch/release/graft-libfuzzer" "$scratch/corpus/$t" "Tests/Fuzz/Corpus/$t" -runs="$runs" -seed="$seed" \
    -timeout=2 -rss_limit_mb=4096 -artifact_prefix="fuzz-$t-" > "$scratch/$t.log" 2>&1; then
    tail -60 "$scratch/$t.log"
    echo "libfuzz: $t failed (the whole log: $scratch/$t.log)"
    exit 1
  fi
  echo "libfuzz $t: $runs inputs in $(( $(date +%s) - start )) s, no failure: $(grep -E '^#[0-9]+.*DONE' "$scratch/$t.log" | tail -1 | sed 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*//')"
done
