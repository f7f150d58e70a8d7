#!/usr/bin/env bash
# First visits to the claim and article pages, several builds side by side
# on one database: each round starts each build in turn on the same file
# (a fresh process, so nothing it keeps between requests is there yet) and
# runs wrk at CONNS connections against "claim-new" and "article-new" as
# bench/load.sh does: claims and articles in random order, each asked once
# (every round its own part, the same part for every build, so the builds
# read the same pages). For each it prints requests/s, p99 and the
# server's CPU per request (utime+stime of the server from /proc around the
# run, divided by the requests answered).
#
#   BENCH_DB=/var/tmp/x/m.db bash bench/firstvisit.sh OLD.bin NEW.bin
#   BENCH_DB=... ROUNDS=3 DURATION=8 CONNS=32 LINES=claim-new bash bench/firstvisit.sh A B
#   PROFILES=/tmp/prof BENCH_DB=... bash bench/firstvisit.sh A B   # also a CPU profile per build and round
#
# A build is a claimtrail binary (go build -o NAME ./cmd/claimtrail at the
# commit to compare); with none, this tree is built and measured alone.
# Reading pages changes little, but the server's own background work may:
# use a copy. Each build is measured once it is idle after starting, so
# what it builds in the background on its own is not counted as a page's.
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${BENCH_DB:-/tmp/claimtrail-bench-${CLAIMS:-1000000}.db}
[ -e "$DB" ] || { echo "firstvisit.sh: no database at $DB (set BENCH_DB, or run bench/load.sh first); skipped"; exit 0; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
CONNS=${CONNS:-32}
LINES=${LINES:-claim-new,article-new}
PORT=${PORT:-18093}
PASSWORD=bench-password
BASE=http://127.0.0.1:$PORT
command -v sqlite3 >/dev/null || { echo "firstvisit.sh: sqlite3 not found (apt-get install -y sqlite3)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "firstvisit.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
WORK=$(mktemp -d)
go build -o "$WORK/loadgen" ./bench/loadgen
if [ $# -eq 0 ]; then
	go build -o "$WORK/claimtrail" ./cmd/claimtrail
	set -- "$WORK/claimtrail"
fi

# The same claims and articles as bench/load.sh's first visits.
sqlite3 "$DB" "SELECT id FROM claims WHERE state IN ('in_review', 'submitted', 'approved') AND id % 97 != 3 ORDER BY random() LIMIT 90001" > "$WORK/claim.once"
sqlite3 "$DB" "SELECT id FROM articles WHERE id % 89 != 5 ORDER BY random() LIMIT 90001" > "$WORK/article.once"

PID=
stop_server() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap 'stop_server; rm -rf "$WORK"' EXIT
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

echo "==> $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC'); $ROUNDS rounds, ${DURATION}s, $CONNS connections"
for round in $(seq "$ROUNDS"); do
	for bin in "$@"; do
		prof=()
		[ -n "${PROFILES:-}" ] && mkdir -p "$PROFILES" && prof=(-cpuprofile "$PROFILES/$(basename "$bin")-$round.prof")
		"$bin" serve -db "$DB" -addr "127.0.0.1:$PORT" -api-rate 0 "${prof[@]}" >>"$WORK/server.log" 2>&1 &
		PID=$!
		until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
			kill -0 "$PID" 2>/dev/null || { echo "firstvisit.sh: $bin did not start" >&2; tail "$WORK/server.log" >&2; exit 1; }
			sleep 0.01
		done
		cookie=$("$WORK/loadgen" login -base "$BASE" -email editor01@bench.example -password "$PASSWORD")
		# Work a build does on its own after starting (an index it builds in
		# the background) is not a page's: wait, up to 20 s, until the
		# server uses under 2% of a core.
		for _ in $(seq 40); do
			a=$(cpu); sleep 0.5; b=$(cpu)
			[ $(( (b - a) * 1000 / tck )) -lt 10 ] && break
		done
		for line in ${LINES//,/ }; do
			case "$line" in
			claim-new) path='/claims/{id}' ids=$WORK/claim.once ;;
			article-new) path='/articles/{id}' ids=$WORK/article.once ;;
			*) echo "firstvisit.sh: no line $line (claim-new, article-new)" >&2; exit 2 ;;
			esac
			a=$(cpu)
			read -r rps p99 bad errs wrapped < <(WRK_PATH="$path" WRK_IDS="$ids" WRK_ONCE=1 WRK_PARTS="$ROUNDS" WRK_PART="$round" WRK_THREADS=2 \
				wrk -t2 -c"$CONNS" -d"${DURATION}s" -s bench/wrk.lua -H "Cookie: $cookie" "$BASE" | awk '/^WRKRESULT/ {print $2, $3, $4, $5, $6}')
			b=$(cpu)
			awk -v n="$(basename "$bin")" -v r="$round" -v l="$line" -v rps="$rps" -v p99="$p99" -v bad="$bad" -v errs="$errs" -v w="$wrapped" \
				-v c=$((b - a)) -v tck="$tck" -v d="$DURATION" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
				'BEGIN { printf "   round %d  %-20s %-11s %8.1f req/s  p99 %8.2f ms  CPU %6.3f ms a request  non-2xx %d  errors %d%s  (load %s)\n",
					r, n, l, rps, p99, c * 1000 / tck / (rps * d), bad, errs, (w > 0 ? "  pages asked again " w : ""), load }'
		done
		stop_server
	done
done
