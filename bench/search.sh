#!/usr/bin/env bash
# The search page, several builds side by side on one database: each round
# starts each build in turn on the same file and runs wrk at CONNS
# connections against GET /search twice, as bench/load.sh does: "search",
# the 300 words of approved claims asked again and again, and "search-new",
# pairs of words of approved claims each asked once (every round its own
# part, the same part for every build), so the builds meet the same machine
# load and the same searches. For each it prints requests/s, p99 and the
# server's CPU per request (utime+stime of the server from /proc around the
# run, divided by the requests answered).
#
#   BENCH_DB=/var/tmp/x/m.db bash bench/search.sh OLD.bin NEW.bin
#   BENCH_DB=... ROUNDS=3 DURATION=8 CONNS=32 LINES=search,search-new bash bench/search.sh A B
#
# A build is a claimtrail binary (go build -o NAME ./cmd/claimtrail at the
# commit to compare); with none, this tree is built and measured alone. Searching changes nothing, but the server's own
# background work may: use a copy.
set -euo pipefail
cd "$(dirname "$0")/.."

# Without BENCH_DB, the database bench/load.sh seeds, if it is there.
DB=${BENCH_DB:-/tmp/claimtrail-bench-${CLAIMS:-1000000}.db}
[ -e "$DB" ] || { echo "search.sh: no database at $DB (set BENCH_DB, or run bench/load.sh first); skipped"; exit 0; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
CONNS=${CONNS:-32}
LINES=${LINES:-search,search-new}
PORT=${PORT:-18091}
PASSWORD=bench-password
BASE=http://127.0.0.1:$PORT
command -v sqlite3 >/dev/null || { echo "search.sh: sqlite3 not found (apt-get install -y sqlite3)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "search.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
WORK=$(mktemp -d)
go build -o "$WORK/loadgen" ./bench/loadgen
if [ $# -eq 0 ]; then
	# No builds named: this tree's alone.
	go build -o "$WORK/claimtrail" ./cmd/claimtrail
	set -- "$WORK/claimtrail"
fi

# The same words and pairs as bench/load.sh.
sqlite3 "$DB" "SELECT text FROM claims WHERE state = 'approved' AND id % 101 = 1 LIMIT 300" |
	awk '{ w = tolower($3); gsub(/[^a-z]/, "", w); if (length(w) > 3) print w }' > "$WORK/words"
sqlite3 "$DB" "SELECT text FROM claims WHERE state = 'approved' LIMIT 120000" |
	awk '{ n = 0; for (i = 1; i <= NF; i++) { w = tolower($i); gsub(/[^a-z]/, "", w); if (length(w) > 3) x[++n] = w }
		if (n >= 2 && x[1] != x[int(n / 2) + 1]) { p = x[1] "+" x[int(n / 2) + 1]; if (!seen[p]++) print p } }' > "$WORK/pairs.once"

PID=
stop_server() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap 'stop_server; rm -rf "$WORK"' EXIT
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

echo "==> $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC'); $ROUNDS rounds, ${DURATION}s, $CONNS connections"
for round in $(seq "$ROUNDS"); do
	for bin in "$@"; do
		"$bin" serve -db "$DB" -addr "127.0.0.1:$PORT" -api-rate 0 >>"$WORK/server.log" 2>&1 &
		PID=$!
		until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
			kill -0 "$PID" 2>/dev/null || { echo "search.sh: $bin did not start" >&2; tail "$WORK/server.log" >&2; exit 1; }
			sleep 0.01
		done
		cookie=$("$WORK/loadgen" login -base "$BASE" -email editor01@bench.example -password "$PASSWORD")
		for line in ${LINES//,/ }; do
			case "$line" in
			search) ids=$WORK/words once=0 ;;
			search-new) ids=$WORK/pairs.once once=1 ;;
			*) echo "search.sh: no line $line (search, search-new)" >&2; exit 2 ;;
			esac
			a=$(cpu)
			read -r rps p99 bad errs wrapped < <(WRK_PATH='/search?q={id}' WRK_IDS="$ids" WRK_ONCE=$once WRK_PARTS="$ROUNDS" WRK_PART="$round" WRK_THREADS=2 \
				wrk -t2 -c"$CONNS" -d"${DURATION}s" -s bench/wrk.lua -H "Cookie: $cookie" "$BASE" | awk '/^WRKRESULT/ {print $2, $3, $4, $5, $6}')
			b=$(cpu)
			awk -v n="$(basename "$bin")" -v r="$round" -v l="$line" -v rps="$rps" -v p99="$p99" -v bad="$bad" -v errs="$errs" -v w="$wrapped" \
				-v c=$((b - a)) -v tck="$tck" -v d="$DURATION" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
				'BEGIN { printf "   round %d  %-20s %-10s %8.1f req/s  p99 %8.2f ms  CPU %6.3f ms a request  non-2xx %d  errors %d%s  (load %s)\n",
					r, n, l, rps, p99, c * 1000 / tck / (rps * d), bad, errs, (w > 0 ? "  searches asked again " w : ""), load }'
		done
		stop_server
	done
done
