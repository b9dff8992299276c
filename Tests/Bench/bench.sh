#!/usr/bin/env bash
# PhoneAuth benchmark, loopback only, ends by itself. Release build.
#   (1) send-code burst: 1,000 distinct phones through the webhook provider to a loopback sink (sends/s, p50, p99);
#   (2) GET /api/v1/profile under wrk -t2 -c32 (requests/s, p50, p99, peak RSS), auth-state cache on (default) and off
#       (a second server on the same file with --auth-cache-ttl 0);
#   (3) the Django peer (../shared/peers/django_phone/bench.sh sync) in the same run, for ratios. PEER=0 skips it.
# env: N=1000 C=32 DUR=10s PEER=1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/Tests/Bench"
N=${N:-1000}; C=${C:-32}; DUR=${DUR:-10s}; PEER=${PEER:-1}
PORT=18090; SINK=18091
WORK=$(mktemp -d /tmp/phoneauth-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
cd "$ROOT"
swift build -c release --product PhoneAuthServer 2>&1 | tail -1
BIN="$ROOT/.build/release/PhoneAuthServer"

python3 "$HERE/sms_sink.py" "$SINK" & PIDS+=($!)
"$BIN" serve --port "$PORT" --database "$WORK/bench.sqlite" --log-level warning \
  --sms webhook --sms-webhook-url "http://127.0.0.1:$SINK/" --sms-webhook-secret bench \
  --max-sends-per-ip-hour 1000000 --max-sends-per-prefix-hour 1000000 --sms-budget-hour 1000000 --sms-budget-day 1000000 \
  2>"$WORK/server.log" & SERVER=$!; PIDS+=($SERVER)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done

echo "=== PhoneAuth (Swift, release) on 127.0.0.1:$PORT, $(nproc) cores"
python3 "$HERE/send_burst.py" "$PORT" "$N" "$C"

phone=+13125550100
VID=$(curl -sf -XPOST "http://127.0.0.1:$PORT/auth/send-code" -H 'Content-Type: application/json' -d "{\"phone\":\"$phone\"}" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["verification_id"])')
code=$(curl -sf "http://127.0.0.1:$SINK/code?to=%2B13125550100")
TOKEN=$(curl -sf -XPOST "http://127.0.0.1:$PORT/auth/verify-code" -H 'Content-Type: application/json' \
  -d "{\"verification_id\":\"$VID\",\"verification_code\":\"$code\"}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
export TOKEN
# The same database without the auth-state cache, for the comparison.
NOCACHE=$((PORT + 2))
"$BIN" serve --port "$NOCACHE" --database "$WORK/bench.sqlite" --log-level warning --auth-cache-ttl 0 2>"$WORK/server-nocache.log" & NC=$!; PIDS+=($NC)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$NOCACHE/health" >/dev/null && break; sleep 0.1; done
for target in "$PORT:cache on" "$NOCACHE:cache off"; do
  port=${target%%:*}
  wrk -t2 -c32 -d2s -s "$HERE/profile.lua" "http://127.0.0.1:$port" >/dev/null
  echo "--- GET /api/v1/profile, ${target#*:}  wrk -t2 -c32 -d$DUR --latency"
  wrk -t2 -c32 -d"$DUR" --latency -s "$HERE/profile.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|99)%"
done
echo "peak RSS (VmHWM), cache on: $(( $(awk '/^VmHWM:/{print $2}' /proc/$SERVER/status) / 1024 )) MiB, cache off: $(( $(awk '/^VmHWM:/{print $2}' /proc/$NC/status) / 1024 )) MiB"
curl -sf -XPOST "http://127.0.0.1:$PORT/auth/logout" -H "Authorization: Bearer $TOKEN" >/dev/null
echo "after logout profile -> HTTP $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/profile" -H "Authorization: Bearer $TOKEN")"
kill "$SERVER" "$NC"

PEER_BENCH="$ROOT/../shared/peers/django_phone/bench.sh"
if [ "$PEER" = 1 ] && [ -x "$PEER_BENCH" ] || [ "$PEER" = 1 ] && [ -f "$PEER_BENCH" ]; then
  echo "=== Django peer (same machine, same run)"
  DUR=$DUR bash "$PEER_BENCH" sync
fi
