#!/usr/bin/env bash
# Regenerates the oracle fixtures (__tests__/fixtures/oracle/*.json) with the real libraries:
# pandas, statsmodels and scikit-learn, through scripts/oracle/sweep_oracle.py (a copy of the shared
# reference oracle). Needs Debian's python3-sklearn python3-statsmodels python3-pandas:
#   apt-get install -y python3-sklearn python3-statsmodels python3-pandas
# CI does not run this: the fixtures are committed. Each fixture records the library versions and the
# sha256 of its input.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=""
for p in $(which -a python3); do
  if "$p" -c 'import sklearn, statsmodels, pandas' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "error: no python3 with scikit-learn, statsmodels and pandas (apt-get install -y python3-sklearn python3-statsmodels python3-pandas)" >&2; exit 2; }
out=__tests__/fixtures/oracle
mkdir -p "$out"
oracle() { # name csv target params [extra args]
  local name=$1 csv=$2 target=$3 params=$4; shift 4
  "$PY" scripts/oracle/sweep_oracle.py "$csv" --target "$target" --params "$params" --extended "$@" > "$out/$name.json.tmp"
  "$PY" - "$out/$name.json.tmp" "$csv" "$target" "$params" <<'PY'
import hashlib, json, sys
path, csv, target, params = sys.argv[1:5]
doc = json.load(open(path))
doc["engine"]["input"] = {"file": csv, "sha256": hashlib.sha256(open(csv, "rb").read()).hexdigest(),
                          "target": target, "params": params.split(",")}
json.dump(doc, open(path, "w"), indent=1, allow_nan=False)
open(path, "a").write("\n")
PY
  mv "$out/$name.json.tmp" "$out/$name.json"
  echo "fixture $name"
}
for d in examples/*/; do
  name=$(basename "$d")
  oracle "$name" "$d/runs.csv" "$(cut -d' ' -f1 "$d/target.txt")" "$(cat "$d/params.txt")"
done
# small hand-made cases (recipe.md §3-§5 edge cases)
for f in __tests__/fixtures/cases/*.csv; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .csv)
  meta=${f%.csv}.args
  target=$(sed -n 1p "$meta"); params=$(sed -n 2p "$meta")
  oracle "case-$name" "$f" "$target" "$params"
done
