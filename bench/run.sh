#!/usr/bin/env bash
# The ingest benchmarks of docs/BENCHMARKS.md, in one go. Needs a built tree (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
pantau=${PANTAU_BIN:-build/ci/src/app/pantau}
out=${BENCH_OUT:-/tmp/pantau-bench}
mkdir -p "$out"
[ -f "$out/mixed.log" ] || bench/gen_mixed.py --lines 1000000 > "$out/mixed.log"

echo "== decoders, per line"
build/ci/bench/decode_bench

echo "== import of 1,000,000 mixed lines (3 runs, fresh data directory each; peak memory by GNU time)"
for run in 1 2 3; do
  rm -rf "$out/var"
  /usr/bin/time -f "peak resident memory: %M KB" "$pantau" import --data "$out/var" "$out/mixed.log"
done
echo "== the same file with --format raw (no decoding): the store's share"
rm -rf "$out/var"; "$pantau" import --data "$out/var" --format raw "$out/mixed.log"
rm -rf "$out/var"

echo "== TCP syslog sustained, beside rsyslog imtcp -> omfile"
bench/ingest_bench.py tcp --lines 1000000 --runs 3 "$out/mixed.log"

echo "== memory at 50,000 events/s for 30 s"
bench/ingest_bench.py memory --rate 50000 --seconds 30 "$out/mixed.log"

echo "== detection: Sigma rules over Windows events (needs ../shared/data/sigma)"
sigma=${SIGMA_DIR:-../shared/data/sigma}
[ -f "$out/windows.jsonl" ] || bench/gen_windows.py --events 1000000 "$sigma/regression_data" > "$out/windows.jsonl"
all_rules=()
for f in rules rules-threat-hunting rules-emerging-threats rules-compliance rules-dfir rules-placeholder; do
  all_rules+=(--rules "$sigma/$f")
done
build/ci/bench/sigma_bench "${all_rules[@]}" --events 5000000 --naive-events 100000 --pool 100000 "$out/windows.jsonl"
build/ci/bench/sigma_bench --rules "$sigma/rules/windows" --events 5000000 --naive-events 100000 --pool 100000 "$out/windows.jsonl"
/usr/bin/time -f "peak resident memory: %M KB" "$pantau" hunt "${all_rules[@]:0:10}" "$out/windows.jsonl" > /dev/null
bench/ingest_bench.py detect --lines 1000000 --runs 3 --rules "$sigma/rules" \
  --rules "$sigma/rules-threat-hunting" --rules "$sigma/rules-emerging-threats" "$out/mixed.log"
