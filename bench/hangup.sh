#!/usr/bin/env bash
# Clients that give up: 1,000 requests in a row, each abandoned by curl after
# a few milliseconds (--max-time 0.001 to 0.009), spread over signed-in pages,
# an htmx fragment, the API and the CSV export, against a real server. Then
# checks that the server is still up and answering within a second, logged no
# internal error and no more than one line per request, and reports its peak
# memory.
#
#   bash bench/hangup.sh                          # the demo database
#   BENCH_DB=/tmp/bench1m.db bash bench/hangup.sh # a large database (a copy is used)
#   REQUESTS=200 bash bench/hangup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-1000}
WORK=$(mktemp -d)
PORT=${PORT:-$((20000 + RANDOM % 20000))}
BASE="http://127.0.0.1:$PORT"
command -v curl >/dev/null || { echo "hangup.sh: curl not found" >&2; exit 1; }

DB="$WORK/claimtrail.db"
if [ -n "${BENCH_DB:-}" ]; then
	cp "$BENCH_DB" "$DB"
	# A database's keys live beside it; a copy needs them too.
	if [ -f "$BENCH_DB.keys" ]; then cp "$BENCH_DB.keys" "$DB.keys"; fi
fi
go build -o "$WORK/claimtrail" ./cmd/claimtrail
"$WORK/claimtrail" serve -demo -db "$DB" -addr "127.0.0.1:$PORT" >"$WORK/out.log" 2>"$WORK/server.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$WORK"' EXIT

for _ in $(seq 100); do
	curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
	sleep 0.2
done
password=$(awk '$2 == "admin@newsroom.example" {print $3}' "$WORK/out.log")
[ -n "$password" ] || { echo "hangup.sh: no demo admin password in the server's output" >&2; exit 1; }
curl -fsS -o /dev/null -c "$WORK/jar" --data-urlencode "email=admin@newsroom.example" \
	--data-urlencode "password=$password" "$BASE/login"
token=$("$WORK/claimtrail" token create -db "$DB" -user admin@newsroom.example -name hangup 2>/dev/null | head -1 || true)
claim=$(sqlite3 "$DB" "SELECT id FROM claims WHERE state <> 'candidate' ORDER BY id DESC LIMIT 1" 2>/dev/null || echo 1)
article=$(sqlite3 "$DB" "SELECT id FROM articles ORDER BY id DESC LIMIT 1" 2>/dev/null || echo 1)

routes=("/" "/queue" "/claims/$claim" "/articles/$article" "/review" "/checks" "/export.csv" "/admin/audit")
rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
lines_before=$(wc -l <"$WORK/server.log")
start=$(date +%s.%N)
for i in $(seq 0 $((REQUESTS - 1))); do
	wait_ms=$((1 + i % 9))
	case $((i % 5)) in
	0) curl -s -o /dev/null --max-time "0.00$wait_ms" -H "Authorization: Bearer ${token:-none}" "$BASE/api/v1/claims?limit=50" || true ;;
	1) curl -s -o /dev/null --max-time "0.00$wait_ms" -b "$WORK/jar" -H "HX-Request: true" "$BASE/queue" || true ;;
	*) curl -s -o /dev/null --max-time "0.00$wait_ms" -b "$WORK/jar" "$BASE${routes[$((i % ${#routes[@]}))]}" || true ;;
	esac
done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
sleep 1

alive=yes
kill -0 "$pid" 2>/dev/null || alive=no
t0=$(date +%s%N)
health=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/healthz" || echo timeout)
page=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -b "$WORK/jar" "$BASE/claims/$claim" || echo timeout)
answer_ms=$((($(date +%s%N) - t0) / 1000000))
rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
lines=$(($(wc -l <"$WORK/server.log") - lines_before))
internal=$(grep -c 'internal error' "$WORK/server.log" || true)
left=$(grep -c 'client left' "$WORK/server.log" || true)

printf '\n| what | measured |\n|---|---|\n'
printf '| requests abandoned after 1-9 ms | %d in %.1f s |\n' "$REQUESTS" "$elapsed"
printf '| server still running | %s |\n' "$alive"
printf '| health check, then the claim page, afterwards | %s, %s in %d ms |\n' "$health" "$page" "$answer_ms"
printf '| log lines written (at most one per request) | %d (%d "client left") |\n' "$lines" "$left"
printf '| internal errors logged | %d |\n' "$internal"
printf '| RSS before, after, peak | %d MB, %d MB, %d MB |\n' $((rss_before / 1024)) $((rss_after / 1024)) $((peak / 1024))

fail=0
[ "$alive" = yes ] || { echo "FAIL: the server died" >&2; fail=1; }
[ "$health" = 200 ] && [ "$page" = 200 ] || { echo "FAIL: the server did not answer normally afterwards" >&2; fail=1; }
[ "$internal" -eq 0 ] || { echo "FAIL: clients that left were logged as internal errors" >&2; fail=1; }
[ "$lines" -le $((REQUESTS + 10)) ] || { echo "FAIL: more than one log line per request" >&2; fail=1; }
exit "$fail"
