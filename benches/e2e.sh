#!/usr/bin/env bash
# End-to-end benchmark: one large demo export, timed in the same run, on the same files, against
# the bare baseline every verifier pays (decompress every byte and SHA-256 it) and, with
# --peers, against tools that do a part of the job.
#
#   benches/e2e.sh [--records N] [--runs R] [--peers] [--scaling] [--work DIR]
#
# Defaults: 10,000,000 records (≈ 1.3 GB of CSV inside a ≈ 220 MB zip), 3 runs each (the
# median is printed), work folder target/e2e. The export is generated once with
# `reversa demo` and reused while the record count is the same.
# Peers (installed into the work folder when absent, skipped with a message when that fails):
#   - qsv validate on electeurs.csv with the electeurs JSON Schema (cargo install, version
#     QSV_VERSION, default below; the newest release did not build from the registry here);
#   - frictionless validate on electeurs.csv with its Table Schema (pip, in a venv);
#   - bagit.py --validate on the same records packaged as a bag (pip, in a venv).
# Prints a table: wall, CPU, peak RSS, MB/s, records/s, and the ratio to the baseline.
# --scaling instead verifies exports of N, 4 N and 16 N records once each and prints the peak RSS
# beside the key sets the report declares (datasets[].key_set_bytes): the rest must stay flat.
set -euo pipefail
cd "$(dirname "$0")/.."

RECORDS=10000000
RUNS=3
PEERS=0
SCALING=0
WORK=target/e2e
QSV_VERSION="${QSV_VERSION:-0.132.0}"
while [ $# -gt 0 ]; do
  case "$1" in
    --records) RECORDS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --peers) PEERS=1; shift ;;
    --scaling) SCALING=1; shift ;;
    --work) WORK="$2"; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done

cargo build --release --quiet
BIN="$PWD/target/release/reversa"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
# export N: the demo export of N records, generated once.
export_of() {
  local path="$WORK/n$1/export-38185-42.zip"
  if [ ! -f "$path" ]; then
    echo "generating $1 records…" >&2
    "$BIN" demo --records "$1" --out "$WORK/n$1" --no-verify --quiet
  fi
  printf '%s' "$path"
}

if [ "$SCALING" = 1 ]; then
  printf '\n%s, peak RSS as the export grows (%s, %s cores)\n\n' "$(date -u +%Y-%m-%d)" "$(uname -m)" "$(nproc)"
  printf '| %-10s | %8s | %9s | %9s | %22s |\n' records wall "peak RSS" "key sets" "peak RSS − key sets"
  printf '|%s|%s|%s|%s|%s|\n' ------------ ---------- ----------- ----------- ------------------------
  for n in "$RECORDS" $((RECORDS * 4)) $((RECORDS * 16)); do
    path=$(export_of "$n")
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" verify "$path" --out "$WORK/report-scaling" --quiet >/dev/null 2>&1 || true
    read -r wall rss < "$WORK/time.txt"
    keys=$(python3 -c 'import json,sys; print(sum(d["key_set_bytes"] for d in json.load(open(sys.argv[1]))["datasets"]))' "$WORK/report-scaling/report.json")
    awk -v n="$n" -v w="$wall" -v r="$rss" -v k="$keys" 'BEGIN {
      printf "| %10d | %7.2fs | %6.0f MB | %6.0f MB | %19.0f MB |\n", n, w, r/1024, k/1048576, r/1024 - k/1048576 }'
  done
  exit 0
fi

EXPORT=$(export_of "$RECORDS")
EXPANDED=$(unzip -l "$EXPORT" | tail -1 | awk '{print $1}')
TOTAL_RECORDS=$(unzip -p "$EXPORT" manifest.json | python3 -c 'import json,sys; m=json.load(sys.stdin); print(sum(d.get("records",0) for d in m.get("datasets",[])))')

ROWS=()
# measure NAME RECORDS BYTES CMD...: RUNS runs, median of wall, CPU and peak RSS of that run.
measure() {
  local name="$1" recs="$2" bytes="$3"; shift 3
  local results=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || true
    results+=("$(tail -1 "$WORK/time.txt")")
  done
  local median
  median=$(printf '%s\n' "${results[@]}" | sort -n | awk -v n="$RUNS" 'NR==int((n+1)/2)')
  ROWS+=("$name"$'\t'"$recs"$'\t'"$bytes"$'\t'"$median")
}

echo "baseline: unzip -p | openssl dgst -sha256" >&2
measure "unzip -p | openssl dgst -sha256" "$TOTAL_RECORDS" "$EXPANDED" sh -c "unzip -p '$EXPORT' | openssl dgst -sha256"
echo "reversa verify" >&2
measure "reversa verify" "$TOTAL_RECORDS" "$EXPANDED" "$BIN" verify "$EXPORT" --out "$WORK/report" --quiet

if [ "$PEERS" = 1 ]; then
  PEER="$WORK/peers"
  mkdir -p "$PEER"
  unzip -o -q -j "$EXPORT" donnees/electeurs.csv -d "$PEER"
  ELECTEURS_ROWS=$(($(wc -l < "$PEER/electeurs.csv") - 1))
  ELECTEURS_BYTES=$(stat -c %s "$PEER/electeurs.csv")
  # qsv reads an empty cell as null where reversa reads it as absent: optional fields accept
  # null, so that both validate the same rows.
  "$BIN" schemas show electeurs | python3 -c 'import json,sys
s = json.load(sys.stdin); required = set(s.get("required", []))
for name, p in s.get("properties", {}).items():
    if name not in required and isinstance(p.get("type"), str):
        p["type"] = [p["type"], "null"]
json.dump(s, sys.stdout)' > "$PEER/electeurs.schema.json"
  # One file alone: its foreign keys (to bureaux) would stop frictionless before any row, and
  # frictionless reads fields by position: keep the file's columns, in its order.
  "$BIN" schemas export --format table-schema --dataset electeurs \
    | python3 -c 'import json,sys
s = json.load(sys.stdin); s.pop("foreignKeys", None)
header = open(sys.argv[1], encoding="utf-8").readline().strip().split(",")
by_name = {f["name"]: f for f in s["fields"]}
s["fields"] = [by_name[h] for h in header if h in by_name]
json.dump(s, sys.stdout)' "$PEER/electeurs.csv" > "$PEER/electeurs.tableschema.json"
  echo "reversa verify (electeurs.csv only)" >&2
  mkdir -p "$PEER/only" && cp "$PEER/electeurs.csv" "$PEER/only/"
  measure "reversa verify (electeurs.csv)" "$ELECTEURS_ROWS" "$ELECTEURS_BYTES" "$BIN" verify "$PEER/only" --out "$PEER/report" --quiet --profile reversa-v1

  if [ ! -x "$PEER/qsv/bin/qsv" ]; then
    echo "installing qsv $QSV_VERSION…" >&2
    cargo install qsv --locked --version "$QSV_VERSION" --features feature_capable --root "$PEER/qsv" >"$PEER/qsv-install.log" 2>&1 \
      || echo "qsv $QSV_VERSION did not install (see $PEER/qsv-install.log): skipped" >&2
  fi
  if [ -x "$PEER/qsv/bin/qsv" ]; then
    echo "measured: $("$PEER/qsv/bin/qsv" --version | head -1)" >&2
    measure "qsv $QSV_VERSION validate -j 2 (electeurs.csv)" "$ELECTEURS_ROWS" "$ELECTEURS_BYTES" \
      "$PEER/qsv/bin/qsv" validate -j 2 "$PEER/electeurs.csv" "$PEER/electeurs.schema.json"
  fi

  if [ ! -x "$PEER/venv/bin/frictionless" ] || [ ! -x "$PEER/venv/bin/bagit.py" ]; then
    echo "installing frictionless and bagit…" >&2
    (python3 -m venv "$PEER/venv" && "$PEER/venv/bin/pip" install -q frictionless bagit) >"$PEER/pip.log" 2>&1 \
      || echo "frictionless/bagit did not install (see $PEER/pip.log): skipped" >&2
  fi
  if [ -x "$PEER/venv/bin/frictionless" ]; then
    echo "measured: frictionless $("$PEER/venv/bin/frictionless" --version 2>/dev/null | head -1)" >&2
    measure "frictionless validate (electeurs.csv)" "$ELECTEURS_ROWS" "$ELECTEURS_BYTES" \
      sh -c "cd '$PEER' && exec venv/bin/frictionless validate --schema electeurs.tableschema.json electeurs.csv"
  fi
  if [ -x "$PEER/venv/bin/bagit.py" ]; then
    BAG="$WORK/bag$RECORDS"
    [ -d "$BAG" ] || "$BIN" demo --records "$RECORDS" --out "$BAG" --package bagit --container folder --no-verify --quiet
    BAGDIR=$(ls -d "$BAG"/export-*)
    measure "bagit.py --validate (same records, folder)" "$TOTAL_RECORDS" "$EXPANDED" "$PEER/venv/bin/bagit.py" --validate "$BAGDIR"
    measure "reversa verify (same bag)" "$TOTAL_RECORDS" "$EXPANDED" "$BIN" verify "$BAGDIR" --out "$PEER/report-bag" --quiet
  fi
fi

BASE_WALL=$(printf '%s' "${ROWS[0]}" | cut -f4 | awk '{print $1}')
printf '\n%s, %s records, %s bytes expanded, median of %s runs (%s, %s cores)\n\n' \
  "$(date -u +%Y-%m-%d)" "$TOTAL_RECORDS" "$EXPANDED" "$RUNS" "$(uname -m)" "$(nproc)"
printf '| %-48s | %8s | %8s | %9s | %8s | %11s | %9s |\n' command wall cpu "peak RSS" MB/s records/s "× base"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..50})" ---------- ---------- ----------- ---------- ------------- -----------
for row in "${ROWS[@]}"; do
  IFS=$'\t' read -r name recs bytes t <<<"$row"
  read -r wall user sys rss <<<"$t"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" -v k="$recs" -v base="$BASE_WALL" 'BEGIN {
    gsub(/\|/, "\\|", n)
    printf "| %-48s | %7.2fs | %7.2fs | %6.0f MB | %8.0f | %11.0f | %8.2f× |\n", n, w, u+s, r/1024, (b/1e6)/w, k/w, w/base }'
done
