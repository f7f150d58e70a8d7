#!/usr/bin/env bash
# The desk's writes, several builds side by side on one database: each round
# starts each build in turn on the same file and runs the write phases of
# bench/load.sh against it (take next with 50 reviewers through the API and
# through the browser's form; 30 reviewers taking, saving and submitting
# while 6 editors approve), so the builds meet the same machine load. For
# each phase it prints the rate, the p99, and the server's CPU per change
# (utime+stime of the server from /proc around the phase, divided by the
# changes answered); afterwards the database is checked for a claim handed
# out twice.
#
#   BENCH_DB=/var/tmp/x/m.db bash bench/writes.sh OLD.bin NEW.bin
#   BENCH_DB=... ROUNDS=3 WRITE_SECONDS=10 PHASES=api,browser,desk PROFILE_DIR=/tmp/prof bash bench/writes.sh A B
#   BENCH_DB=... PHASES=desk,desk@500 bash bench/writes.sh A B   # the desk closed loop, then paced at 500 changes/s
#
# A build is a claimtrail binary (go build -o NAME ./cmd/claimtrail at the
# commit to compare). PROFILE_DIR: each run also writes the server's CPU
# profile there (serve -cpuprofile; builds without that flag fail to start).
# SERVE_ARGS adds flags to serve (for example -durability normal).
# SETTLE=SECONDS: each build rests that long after it answers, before its phases.
# PREPARE=script is run as "script NAME DB" before each build starts, for
# builds that expect a different schema (a trigger a later migration
# replaced). The database is changed by the run: use a copy.
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${BENCH_DB:?set BENCH_DB to a copy of a seed-bench database}
ROUNDS=${ROUNDS:-2}
WRITE_SECONDS=${WRITE_SECONDS:-10}
PHASES=${PHASES:-api,browser,desk}
PORT=${PORT:-18090}
PASSWORD=bench-password
BASE=http://127.0.0.1:$PORT
[ $# -ge 1 ] || { echo "usage: BENCH_DB=FILE bash bench/writes.sh BINARY..." >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "writes.sh: sqlite3 not found (apt-get install -y sqlite3)" >&2; exit 1; }
WORK=$(mktemp -d)
go build -o "$WORK/loadgen" ./bench/loadgen

TOKENS=$DB.tokens
if [ ! -s "$TOKENS" ]; then
	echo "==> making API tokens for 50 reviewers and 8 editors ($TOKENS)"
	for who in $(seq -f 'reviewer%02g' 1 50) $(seq -f 'editor%02g' 1 8); do
		echo "$who@bench.example $("$1" token create -db "$DB" -user "$who@bench.example" -name load 2>/dev/null)"
	done > "$TOKENS.tmp"
	mv "$TOKENS.tmp" "$TOKENS"
fi

PID=
stop_server() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap 'stop_server; rm -rf "$WORK"' EXIT
start_server() { # start_server BINARY PROFILE
	local prof=()
	[ -n "$2" ] && prof=(-cpuprofile "$2")
	# shellcheck disable=SC2086
	"$1" serve -db "$DB" -addr "127.0.0.1:$PORT" -api-rate 0 "${prof[@]}" ${SERVE_ARGS:-} >>"$WORK/server.log" 2>&1 &
	PID=$!
	until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
		kill -0 "$PID" 2>/dev/null || { echo "writes.sh: $1 did not start:" >&2; tail "$WORK/server.log" >&2; exit 1; }
		sleep 0.01
	done
	# SETTLE=SECONDS waits out a build's start-up work (the search ranks
	# and kept blocks built in the background) before its phases.
	sleep "${SETTLE:-0}"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
max_audit() { sqlite3 "$DB" "SELECT coalesce(max(id), 0) FROM audit_events"; }
twice() {
	sqlite3 "$DB" "SELECT count(*) FROM (SELECT entity_id FROM audit_events WHERE id > $1 AND action = 'claim.taken' GROUP BY entity_id HAVING count(*) > 1)"
}
HZ=$(getconf CLK_TCK)
RESULTS=$WORK/results
: > "$RESULTS"
TWICE=0

for round in $(seq "$ROUNDS"); do
	for bin in "$@"; do
		name=$(basename "$bin")
		for phase in ${PHASES//,/ }; do
			prof=
			[ -n "${PROFILE_DIR:-}" ] && mkdir -p "$PROFILE_DIR" && prof=$PROFILE_DIR/$name.$phase.$round.prof
			[ -n "${PREPARE:-}" ] && "$PREPARE" "$name" "$DB"
			start_server "$bin" "$prof"
			audit0=$(max_audit)
			t0=$(cpu_ticks)
			case $phase in
			api | browser)
				out=$("$WORK/loadgen" take -base "$BASE" -via "$phase" -clients 50 -duration "${WRITE_SECONDS}s" -tokens "$TOKENS" -password "$PASSWORD")
				line=$(grep '^RESULT' <<< "$out")
				rate=$(sed 's/.*assignments_per_s=\([0-9.]*\).*/\1/' <<< "$line")
				p99=$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<< "$line")
				changes=$(awk '$1 == "take" && $3 == "ok" {print $2}' <<< "$out")
				;;
			desk | desk@*)
				# desk@RATE: the same desk paced at RATE changes a second (open
				# loop, latency from each request's scheduled time).
				rate=0
				[ "$phase" != desk ] && rate=${phase#desk@}
				out=$("$WORK/loadgen" desk -base "$BASE" -tokens "$TOKENS" -reviewers 30 -editors 6 -duration "${WRITE_SECONDS}s" -rate "$rate")
				line=$(grep '^RESULT' <<< "$out")
				rate=$(sed 's/.*changes_per_s=\([0-9.]*\).*/\1/' <<< "$line")
				p99=$(sed 's/.* p99_ms=\([0-9.]*\).*/\1/' <<< "$line")
				# Every write the server answered: takes as well as saves, submits, approvals.
				changes=$(awk '$1 ~ /^(take|save|submit|approve)$/ && $3 == "ok" {n += $2} END {print n}' <<< "$out")
				;;
			esac
			t1=$(cpu_ticks)
			stop_server
			dups=$(twice "$audit0")
			TWICE=$((TWICE + dups))
			cpu_ms=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v n="$changes" 'BEGIN { printf "%.3f", n ? (b - a) * 1000 / hz / n : 0 }')
			printf '   round %d %-12s %-8s %8.1f/s  p99 %7.1f ms  server CPU %s ms a change (%d changes, %d claims taken twice)  load %s\n' \
				"$round" "$name" "$phase" "$rate" "$p99" "$cpu_ms" "$changes" "$dups" "$(cut -d' ' -f1 /proc/loadavg)"
			echo "$phase $name $rate $p99 $cpu_ms" >> "$RESULTS"
		done
	done
done

echo
echo "==> medians over $ROUNDS rounds (rate: assignments/s for api and browser, saves+submits+approvals/s for desk and desk@RATE)"
printf '| %-8s | %-14s | %10s | %10s | %20s |\n' phase build rate "p99 (ms)" "server CPU/change (ms)"
for phase in ${PHASES//,/ }; do
	for bin in "$@"; do
		awk -v p="$phase" -v n="$(basename "$bin")" '$1 == p && $2 == n { r[++k] = $3; q[k] = $4; c[k] = $5 }
			function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
				return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
			END { printf "| %-8s | %-14s | %10.1f | %10.1f | %20.3f |\n", p, n, med(r, k), med(q, k), med(c, k) }' "$RESULTS"
	done
done
echo "   database: $TWICE claims taken more than once over the whole run"
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
