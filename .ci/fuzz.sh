#!/usr/bin/env bash
# Fuzz smoke test: builds every cargo-fuzz target of fuzz/ and runs each one briefly on a copy
# of its committed seeds (fuzz/seeds/<target>/, never modified). Fails when a target crashes,
# hangs or runs out of memory. Run from a fresh clone: bash .ci/fuzz.sh
#
#   FUZZ_SECONDS   seconds per target (default 5)
#   FUZZ_TARGETS   space-separated subset of targets (default: all)
#
# cargo-fuzz needs nightly flags; the stable toolchain is allowed them with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TERM_COLOR=never
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$root/target/fuzz"
seconds=${FUZZ_SECONDS:-5}
tools="$root/target/tools"
export PATH="$tools/bin:$PATH"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz into $tools"
  cargo install cargo-fuzz --locked --root "$tools"
fi

# No sanitizer: the crate is safe Rust, and instrumenting it for ASan doubles the build time.
# Panics, hangs and OOMs are still caught; debug assertions stay on.
build_flags=(--release --debug-assertions --sanitizer none)
echo "== cargo fuzz build"
start=$(date +%s)
(cd fuzz && cargo fuzz build "${build_flags[@]}")
echo "built in $(($(date +%s) - start)) s"

targets=${FUZZ_TARGETS:-$(cd fuzz && cargo fuzz list)}
work="$root/target/fuzz-smoke"
rm -rf "$work"
mkdir -p "$work"
failed=()
summary=()
for t in $targets; do
  corpus="$work/corpus/$t"
  mkdir -p "$corpus" "$work/artifacts/$t"
  if [ -d "fuzz/seeds/$t" ]; then cp -R "fuzz/seeds/$t/." "$corpus/"; fi
  log="$work/$t.log"
  echo "== $t (${seconds} s)"
  start=$(date +%s)
  status=0
  (cd fuzz && cargo fuzz run "${build_flags[@]}" "$t" "$corpus" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$work/artifacts/$t/" -print_final_stats=1) >"$log" 2>&1 || status=$?
  took=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ -z "$runs" ]; then
    runs=$(grep -Eo '^(#[0-9]+).*(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1 | grep -Eo '^#[0-9]+' | tr -d '#' || true)
  fi
  line="$t: ${took} s, ${runs:-?} executions"
  if [ "$status" -ne 0 ]; then
    line="$line — FAILED (exit $status), log $log"
    failed+=("$t")
    tail -n 40 "$log"
    ls "$work/artifacts/$t/" 2>/dev/null | sed 's/^/  artifact: /'
  fi
  echo "$line"
  summary+=("$line")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzzing found a problem in: ${failed[*]} (inputs under $work/artifacts/)"
  exit 1
fi
