#!/usr/bin/env bash
# The dashboard, several builds side by side on one database: each round
# starts each build in turn on the same file and runs wrk at CONNS
# connections against it as bench/load.sh does: "dashboard", the default
# view (kept between requests while nothing changes), and "dashboard-any",
# a 28-day period ending on a random day of the last year each request
# (mostly worked out afresh). Each build is first warmed by WARM seconds of
# dashboard-any, so that every build has read the days and months it keeps
# in memory before it is measured. For each line it prints requests/s, p99,
# the server's CPU per request (utime+stime of the server from /proc around
# the run, divided by the requests answered) and the bytes of one response.
#
#   BENCH_DB=/var/tmp/x/s.db bash bench/dashboard.sh OLD.bin NEW.bin
#   BENCH_DB=... ROUNDS=3 DURATION=8 CONNS=32 WARM=3 LINES=dashboard,dashboard-any bash bench/dashboard.sh A B
#
# A build is a claimtrail binary (go build -o NAME ./cmd/claimtrail at the
# commit to compare); with none, this tree is built and measured alone.
# CPUPROFILE=DIR writes each build's CPU profile of its last round there
# (serve -cpuprofile). Reading the dashboard changes nothing, but the
# server's own background work may: use a copy.
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${BENCH_DB:-/tmp/claimtrail-bench-${CLAIMS:-1000000}.db}
[ -e "$DB" ] || { echo "dashboard.sh: no database at $DB (set BENCH_DB, or run bench/load.sh first); skipped"; exit 0; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
CONNS=${CONNS:-32}
WARM=${WARM:-3}
LINES=${LINES:-dashboard,dashboard-any}
PORT=${PORT:-18092}
PASSWORD=bench-password
BASE=http://127.0.0.1:$PORT
command -v wrk >/dev/null || { echo "dashboard.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
WORK=$(mktemp -d)
go build -o "$WORK/loadgen" ./bench/loadgen
if [ $# -eq 0 ]; then
	go build -o "$WORK/claimtrail" ./cmd/claimtrail
	set -- "$WORK/claimtrail"
fi

# The same periods as bench/load.sh.
for back in $(seq 0 364); do
	date -u -d "-$((back + 27)) days" +%F"&to="$(date -u -d "-$back days" +%F)
done > "$WORK/periods"

PID=
stop_server() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap 'stop_server; rm -rf "$WORK"' EXIT
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
run_wrk() { # run_wrk PATH IDS SECONDS -> "rps p99 non2xx errors"
	WRK_PATH="$1" WRK_IDS="$2" WRK_THREADS=2 wrk -t2 -c"$CONNS" -d"$3s" -s bench/wrk.lua -H "Cookie: $cookie" "$BASE" |
		awk '/^WRKRESULT/ {print $2, $3, $4, $5}'
}

echo "==> $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC'); $ROUNDS rounds, ${DURATION}s, $CONNS connections"
for round in $(seq "$ROUNDS"); do
	i=0
	for bin in "$@"; do
		i=$((i + 1))
		prof=()
		if [ -n "${CPUPROFILE:-}" ] && [ "$round" = "$ROUNDS" ]; then
			mkdir -p "$CPUPROFILE"
			prof=(-cpuprofile "$CPUPROFILE/$i-$(basename "$bin").prof")
		fi
		"$bin" serve -db "$DB" -addr "127.0.0.1:$PORT" -api-rate 0 "${prof[@]}" >>"$WORK/server.log" 2>&1 &
		PID=$!
		until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
			kill -0 "$PID" 2>/dev/null || { echo "dashboard.sh: $bin did not start" >&2; tail "$WORK/server.log" >&2; exit 1; }
			sleep 0.01
		done
		cookie=$("$WORK/loadgen" login -base "$BASE" -email editor01@bench.example -password "$PASSWORD")
		run_wrk '/dashboard?from={id}' "$WORK/periods" "$WARM" >/dev/null
		for line in ${LINES//,/ }; do
			case "$line" in
			dashboard) path=/dashboard ids= sample=/dashboard ;;
			dashboard-any) path='/dashboard?from={id}' ids=$WORK/periods sample="/dashboard?from=$(sed -n 100p "$WORK/periods")" ;;
			*) echo "dashboard.sh: no line $line (dashboard, dashboard-any)" >&2; exit 2 ;;
			esac
			bytes=$(curl -fsS -H "Cookie: $cookie" -o /dev/null -w '%{size_download}' "$BASE$sample")
			a=$(cpu)
			read -r rps p99 bad errs < <(run_wrk "$path" "$ids" "$DURATION")
			b=$(cpu)
			awk -v n="$i:$(basename "$bin")" -v r="$round" -v l="$line" -v rps="$rps" -v p99="$p99" -v bad="$bad" -v errs="$errs" \
				-v c=$((b - a)) -v tck="$tck" -v d="$DURATION" -v bytes="$bytes" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
				'BEGIN { printf "   round %d  %-22s %-14s %8.1f req/s  p99 %8.2f ms  CPU %6.3f ms a request  %7d bytes  non-2xx %d  errors %d  (load %s)\n",
					r, n, l, rps, p99, c * 1000 / tck / (rps * d), bytes, bad, errs, load }'
		done
		stop_server
	done
done
