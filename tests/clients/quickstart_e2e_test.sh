#!/usr/bin/env bash
# The quick start, end to end: the real `ctgd --dev` with its demo département, driven by the
# real `ctg` CLI exactly as README.md tells a newcomer to, as several demo roles.
# Usage: quickstart_e2e_test.sh CTGD CTG
set -euo pipefail
ctgd="$1"
ctg="$2"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ctgd" --dev --data_dir="$work/ctg" --listen=127.0.0.1:0 --metrics_listen=off \
  > "$work/out" 2> "$work/log" &
pid=$!
for _ in $(seq 1 200); do
  grep -q "ctgd: serving on" "$work/out" 2>/dev/null && grep -q "CTG_PLAINTEXT" "$work/out" && break
  sleep 0.1
done
port="$(sed -n 's/^ctgd: serving on .* port \([0-9]*\).*/\1/p' "$work/out")"
[ -n "$port" ] || fail "ctgd did not start: $(cat "$work/out" "$work/log")"

export CTG_SERVER="127.0.0.1:$port" CTG_PLAINTEXT=1 CTG_STATE_DIR="$work/state"
tokens="$work/ctg/dev/tokens"
as() { local who="$1"; shift; "$ctg" --token_file="$tokens/$who.jwt" "$@"; }

# The Caf sees both demo CTGs; the CDT its portfolio; the élue of a member commune hers only.
out="$(as caf-admin ctgs list)"  # (captured whole, then searched)
echo "$out" | grep -q "val-orbe-2025" || fail "caf-admin does not see val-orbe-2025: $out"
echo "$out" | grep -q "trois-vallees-2026" || fail "caf-admin does not see trois-vallees-2026"
out="$(as elu ctgs list)"
echo "$out" | grep -q "val-orbe-2025" || fail "the élue does not see her CTG: $out"
if echo "$out" | grep -q "trois-vallees-2026"; then fail "the élue sees another CTG"; fi
if as elu ctgs show trois-vallees-2026 > "$work/hidden" 2>&1; then fail "hidden CTG shown"; fi
grep -qi "not found" "$work/hidden" || fail "a hidden CTG must read as not found: $(cat "$work/hidden")"

# JSON output is machine-readable and carries the R-7 warning of the second CTG.
as commission --json ctgs show trois-vallees-2026 > "$work/ctg.json"
/usr/bin/python3 - "$work/ctg.json" <<'PY'
import json, sys
ctg = json.load(open(sys.argv[1]))
assert ctg["name"] == "ctgs/trois-vallees-2026", ctg
assert any(w["rule"] == "R-7" for w in ctg.get("warnings", [])), ctg
PY

# History, checkpoint (trust on first use), then a proof verified locally.
# (Outputs go to files first: `grep -q` closing a pipe early would fail the pipeline.)
as cdt history --tag ctg:val-orbe-2025 > "$work/history"
grep -q "CtgStateChanged" "$work/history" || fail "history lacks transitions"
as cdt checkpoint > "$work/cp" || fail "checkpoint: $(cat "$work/cp")"
grep -q "verified" "$work/cp" || fail "checkpoint not verified: $(cat "$work/cp")"
as cdt verify --position 10 > "$work/verify" || fail "verify: $(cat "$work/verify")"
grep -q "verified locally" "$work/verify" || fail "no local verification: $(cat "$work/verify")"
# A second checkpoint is proven consistent with the kept one.
as cdt checkpoint > "$work/cp2"
grep -qi "consisten" "$work/cp2" || fail "no consistency check on the second checkpoint"

# Staffing: the CDT's work queue holds the fiche de poste awaiting the Caf's opinion; the
# posts of the CTG and the commission's list of changes with their CDT exchanges.
as cdt queue > "$work/queue"
grep -q "recruitments/val-orbe-2026" "$work/queue" || fail "the CDT's queue: $(cat "$work/queue")"
as collectivite-admin posts list --ctg val-orbe-2025 > "$work/posts"
grep -q "val-orbe-cdc" "$work/posts" || fail "posts: $(cat "$work/posts")"
as commission changes --since 2025-01-01 --until 2026-12-31 > "$work/changes"
grep -q "affectation-titulaire" "$work/changes" || fail "changes: $(cat "$work/changes")"

# A bad token is refused with a sentence, and exit code 1.
set +e
"$ctg" --token=not.a.jwt ctgs list > "$work/bad" 2>&1
code=$?
set -e
[ "$code" -eq 1 ] || fail "a bad token must exit 1, got $code"
grep -qi "token" "$work/bad" || fail "the refusal must mention the token: $(cat "$work/bad")"

# SIGTERM drains and exits 0.
kill -TERM "$pid"
wait "$pid" && code=0 || code=$?
pid=""
[ "$code" -eq 0 ] || fail "ctgd exited $code on SIGTERM"
echo "quickstart end to end: ok"
