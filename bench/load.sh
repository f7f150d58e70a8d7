#!/usr/bin/env bash
# Load benchmark: every page against a static file served by the same binary,
# then the desk's writes, on a `claimtrail seed-bench` database.
#
#   bash bench/load.sh                        # 1,000,000 claims (seeded once, ~4 min), reused after
#   CLAIMS=100000 bash bench/load.sh          # a smaller database
#   BENCH_DB=/tmp/x.db DURATION=5 ROUNDS=3 CONNS=32 WRITE_SECONDS=10 bash bench/load.sh
#   ONLY=search WRITE_SECONDS=0 bash bench/load.sh   # one page (or a comma-separated few), no writes
#   ONLY=search,search-new WRITE_SECONDS=0 bash bench/load.sh   # search: 300 words asked again and again, and pairs never asked before
#   ONLY=claim-new,article-new WRITE_SECONDS=0 bash bench/load.sh   # claim and article pages, each visited once
#   BIN=/tmp/claimtrail-before ONLY=claim-new WRITE_SECONDS=0 bash bench/load.sh   # another build of the server
#   PROFILE=/tmp/api.prof ONLY=api-list WRITE_SECONDS=0 bash bench/load.sh   # the server's CPU profile of the whole run (go tool pprof)
#
# Pages: wrk at CONNS connections, DURATION seconds each, the static file
# measured just before each page, ROUNDS rounds; prints requests/s (median),
# p99 (range over rounds), the page's share of the static file's rate and
# the server's CPU time per request (median over rounds).
# Writes (bench/loadgen): take next with 50 reviewers through the API and
# through the browser's form, then 30 reviewers taking, saving and submitting
# verdicts while 6 editors approve: first as fast as they can (the maximum
# rate), then paced at DESK_RATES changes a second (default "500 750"; open
# loop, p99 from each request's scheduled time); afterwards the database is
# checked for a claim handed out twice. Also: startup time and the server's
# peak RSS.
set -euo pipefail
# An "&" in an id (a query string) stays an "&" when it replaces "{id}".
shopt -u patsub_replacement 2>/dev/null || true
cd "$(dirname "$0")/.."

CLAIMS=${CLAIMS:-1000000}
DB=${BENCH_DB:-/tmp/claimtrail-bench-$CLAIMS.db}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
PORT=${PORT:-18080}
WRITE_SECONDS=${WRITE_SECONDS:-10}
PASSWORD=bench-password
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)

# install-check: the tools this script drives.
need() { # need COMMAND DEBIAN-PACKAGE
	command -v "$1" >/dev/null 2>&1 && return
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "==> installing $2"
		apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null 2>&1; } || true
	fi
	command -v "$1" >/dev/null 2>&1 || { echo "load.sh: $1 not found; install it with: apt-get install -y $2" >&2; exit 1; }
}
need wrk wrk
need sqlite3 sqlite3
need curl curl

echo "==> building claimtrail and loadgen into $WORK"
if [ -n "${BIN:-}" ]; then
	cp "$BIN" "$WORK/claimtrail" # BIN=FILE measures that build instead (two builds side by side)
else
	go build -o "$WORK/claimtrail" ./cmd/claimtrail
fi
go build -o "$WORK/loadgen" ./bench/loadgen

if [ ! -e "$DB" ]; then
	rm -f "$DB.keys" "$DB.tokens"
	echo "==> seeding $CLAIMS claims into $DB"
	"$WORK/claimtrail" seed-bench -db "$DB" -claims "$CLAIMS" -password "$PASSWORD"
fi
# A database made by an earlier version is migrated first; a migration that
# adds an index only lists every document as pending, and the commits of
# the measured writes would then each index a slice of that backlog, so it
# is built here in one go.
"$WORK/claimtrail" migrate -db "$DB" >/dev/null
backlog=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM match_pending) + coalesce((SELECT count(*) FROM search_pending), 0)" 2>/dev/null || echo 0)
if [ "${backlog:-0}" -gt 10000 ]; then
	echo "==> $backlog documents wait for indexing: claimtrail reindex"
	"$WORK/claimtrail" reindex -db "$DB"
fi
TOKENS=$DB.tokens
if [ ! -s "$TOKENS" ]; then
	echo "==> making API tokens for 50 reviewers and 8 editors ($TOKENS)"
	for who in $(seq -f 'reviewer%02g' 1 50) $(seq -f 'editor%02g' 1 8); do
		echo "$who@bench.example $("$WORK/claimtrail" token create -db "$DB" -user "$who@bench.example" -name load 2>/dev/null)"
	done > "$TOKENS.tmp"
	mv "$TOKENS.tmp" "$TOKENS"
fi
TOKEN=$(awk '/^editor01/ {print $2}' "$TOKENS")

PID=
stop_server() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap 'stop_server; rm -rf "$WORK"' EXIT
start_server() {
	local t0 t1
	t0=$(date +%s%N)
	local prof=()
	[ -n "${PROFILE:-}" ] && prof=(-cpuprofile "$PROFILE")
	"$WORK/claimtrail" serve -db "$DB" -addr "127.0.0.1:$PORT" -api-rate 0 "${prof[@]}" >>"$WORK/server.log" 2>&1 &
	PID=$!
	until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
		kill -0 "$PID" 2>/dev/null || { echo "load.sh: the server did not start:" >&2; tail "$WORK/server.log" >&2; exit 1; }
		sleep 0.005
	done
	t1=$(date +%s%N)
	STARTUP_MS=$(( (t1 - t0) / 1000000 ))
}
start_server
echo "==> server up in ${STARTUP_MS} ms (pid $PID, database $(du -h "$DB" | cut -f1))"
COOKIE=$("$WORK/loadgen" login -base "$BASE" -email editor01@bench.example -password "$PASSWORD")

sqlite3 "$DB" "SELECT id FROM claims WHERE state IN ('in_review', 'submitted', 'approved') AND id % 97 = 3 LIMIT 500" > "$WORK/claim.ids"
sqlite3 "$DB" "SELECT id FROM articles WHERE id % 89 = 5 LIMIT 500" > "$WORK/article.ids"
sqlite3 "$DB" "SELECT claim_id FROM verdicts WHERE approved_at IS NOT NULL AND claim_id % 83 = 7 LIMIT 500" > "$WORK/check.ids"
# First visits (claim-new, article-new): claims and articles none of the
# lines above asks for, in random order, each asked once (WRK_ONCE, as for
# search-new), so every request reads and matches its page afresh, as a
# reviewer opening a claim from the queue does.
sqlite3 "$DB" "SELECT id FROM claims WHERE state IN ('in_review', 'submitted', 'approved') AND id % 97 != 3 ORDER BY random() LIMIT 90001" > "$WORK/claim.once"
sqlite3 "$DB" "SELECT id FROM articles WHERE id % 89 != 5 ORDER BY random() LIMIT 90001" > "$WORK/article.once"
sqlite3 "$DB" "SELECT text FROM claims WHERE state = 'approved' AND id % 101 = 1 LIMIT 300" |
	awk '{ w = tolower($3); gsub(/[^a-z]/, "", w); if (length(w) > 3) print w }' > "$WORK/words"
# Searches never asked before (search-new): two words of one approved claim,
# each pair once; every round asks its own third of them in order (WRK_ONCE),
# so what is kept between requests cannot answer them.
sqlite3 "$DB" "SELECT text FROM claims WHERE state = 'approved' LIMIT 120000" |
	awk '{ n = 0; for (i = 1; i <= NF; i++) { w = tolower($i); gsub(/[^a-z]/, "", w); if (length(w) > 3) x[++n] = w }
		if (n >= 2 && x[1] != x[int(n / 2) + 1]) { p = x[1] "+" x[int(n / 2) + 1]; if (!seen[p]++) print p } }' > "$WORK/pairs.once"

# name | path | who (cookie, token, none) | ids file
PAGES="home|/|cookie|
queue|/queue|cookie|
claim|/claims/{id}|cookie|claim.ids
claim-new|/claims/{id}|cookie|claim.once
article|/articles/{id}|cookie|article.ids
article-new|/articles/{id}|cookie|article.once
review|/review|cookie|
api-list|/api/v1/claims?limit=50|token|
public-check|/checks/{id}|none|check.ids
public-list|/checks|none|"
# Pages that exist only once their feature has landed.
probe() { curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$1"; }
if [ "$(probe /search?q=budget)" = 200 ]; then PAGES="$PAGES
search|/search?q={id}|cookie|words
search-new|/search?q={id}|cookie|pairs.once"; fi
# The dashboard twice: the default view, which is kept between requests
# while nothing changes, and a 28-day view ending on a different day of the
# last year each time, which is mostly read afresh from the counters.
for back in $(seq 0 364); do
	date -u -d "-$((back + 27)) days" +%F"&to="$(date -u -d "-$back days" +%F)
done > "$WORK/periods"
if [ "$(probe /dashboard)" = 200 ]; then PAGES="$PAGES
dashboard|/dashboard|cookie|
dashboard-any|/dashboard?from={id}|cookie|periods"; fi
# ONLY=search,home measures those pages alone; WRITE_SECONDS=0 leaves out the writes.
if [ -n "${ONLY:-}" ]; then
	PAGES=$(printf '%s\n' "$PAGES" | awk -F'|' -v only=",$ONLY," 'index(only, "," $1 ",")')
fi

wrk_run() { # wrk_run PATH WHO IDS -> "rps p99 non2xx errors"
	local hdr=()
	case "$2" in
	cookie) hdr=(-H "Cookie: $COOKIE") ;;
	token) hdr=(-H "Authorization: Bearer $TOKEN") ;;
	esac
	# An ids file named *.once is asked a line at most once, its own part each round.
	local once=0
	case "$3" in *.once) once=1 ;; esac
	WRK_PATH="$1" WRK_IDS="${3:+$WORK/$3}" WRK_ONCE=$once WRK_PARTS="$ROUNDS" WRK_PART="${round:-1}" WRK_THREADS=2 \
		wrk -t2 -c"$CONNS" -d"${DURATION}s" -s bench/wrk.lua "${hdr[@]}" "$BASE" |
		awk '/^WRKRESULT/ {print $2, $3, $4, $5, $6}'
}

# Each page must answer 200 before it is measured.
while IFS='|' read -r name path who ids; do
	# (a *.once file's last line, which no round asks)
	p=${path//\{id\}/$( [ -n "$ids" ] && { case "$ids" in *.once) tail -1 ;; *) head -1 ;; esac } < "$WORK/$ids" || echo 1)}
	case "$who" in
	cookie) code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$p") ;;
	token) code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE$p") ;;
	*) code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$p") ;;
	esac
	[ "$code" = 200 ] || { echo "load.sh: $name ($p) answers $code, not 200" >&2; exit 1; }
done <<< "$PAGES"

# The server's resident memory every second, each sample labelled with the
# phase running then (phase NAME), so the peak can be told by phase.
RSS_LOG=$WORK/rss
phase() { echo "$1" > "$WORK/phase"; }
phase pages
( while kill -0 "$PID" 2>/dev/null; do awk -v p="$(cat "$WORK/phase")" '/VmRSS/ {print p, $2}' "/proc/$PID/status" 2>/dev/null; sleep 1; done ) > "$RSS_LOG" &
RESULTS=$WORK/results
# The server's CPU time so far (user + system, clock ticks): read around each
# page's run, divided by the requests it answered.
server_cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
: > "$RESULTS"
for round in $(seq "$ROUNDS"); do
	echo "==> round $round of $ROUNDS: each page for ${DURATION}s at $CONNS connections, the static file just before it"
	while IFS='|' read -r name path who ids; do
		read -r srps sp99 _ _ _ < <(wrk_run /static/app.css none "")
		cpu0=$(server_cpu)
		read -r rps p99 bad errs wrapped < <(wrk_run "$path" "$who" "$ids")
		cpu=$(awk -v a="$cpu0" -v b="$(server_cpu)" -v r="$rps" -v d="$DURATION" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.3f", (r > 0 ? (b - a) / hz * 1000 / (r * d) : 0) }')
		printf '   %-13s %9.1f req/s  p99 %8.2f ms  server CPU %6.3f ms/req   (static %9.1f req/s, p99 %6.2f ms)  non-2xx %s  socket errors %s%s\n' \
			"$name" "$rps" "$p99" "$cpu" "$srps" "$sp99" "$bad" "$errs" "$( [ "${wrapped:-0}" -gt 0 ] && echo "  (a thread's share of once-only ids ran out and was asked again $wrapped times)")"
		echo "$name $rps $p99 $srps $bad $errs $cpu" >> "$RESULTS"
	done <<< "$PAGES"
done

echo
echo "==> pages: $ROUNDS rounds, ${DURATION}s each, $CONNS connections (median requests/s, p99 range, median share of the static file's rate)"
printf '| %-13s | %12s | %17s | %8s | %s | %s |\n' page "requests/s" "p99 (ms)" share "server CPU (ms/request)" "non-2xx or timed out"
printf '|%s|%s|%s|%s|%s|%s|\n' --------------- -------------- ------------------- ---------- -------- --------
while IFS='|' read -r name _ _ _; do
	awk -v n="$name" '$1 == n { rps[++k] = $2; p99[k] = $3; ratio[k] = $2 / $4; bad += $5 + $6; cpu[k] = $7 }
		function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
		END { lo = p99[1]; hi = p99[1]; for (i = 2; i <= k; i++) { if (p99[i] < lo) lo = p99[i]; if (p99[i] > hi) hi = p99[i] }
			printf "| %-13s | %12.1f | %7.1f – %7.1f | %8.3f | %.3f | %d |\n", n, median(rps, k), lo, hi, median(ratio, k), median(cpu, k), bad }' "$RESULTS"
done <<< "$PAGES"
awk '{ s[++k] = $4 } END { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
	printf "| %-13s | %12.1f | (median of the %d static runs) |\n", "static file", k % 2 ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2, k }' "$RESULTS"

echo
if [ "$WRITE_SECONDS" = 0 ]; then
	echo "==> server memory: peak RSS $(( $(awk '/VmHWM/ {print $2}' "/proc/$PID/status") / 1024 )) MB over the page rounds"
	echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
	exit 0
fi
max_audit() { sqlite3 "$DB" "SELECT coalesce(max(id), 0) FROM audit_events"; }
twice() { # claims taken more than once since audit event $1
	sqlite3 "$DB" "SELECT count(*) FROM (SELECT entity_id FROM audit_events WHERE id > $1 AND action = 'claim.taken' GROUP BY entity_id HAVING count(*) > 1)"
}
for via in api browser; do
	phase "take-$via"
	before=$(max_audit)
	echo "==> take next: 50 reviewers through the $via for ${WRITE_SECONDS}s"
	"$WORK/loadgen" take -base "$BASE" -via "$via" -clients 50 -duration "${WRITE_SECONDS}s" -tokens "$TOKENS" -password "$PASSWORD" | sed 's/^/   /'
	taken=$(sqlite3 "$DB" "SELECT count(*) FROM audit_events WHERE id > $before AND action = 'claim.taken'")
	echo "   database: $taken claims taken, $(twice "$before") of them taken more than once"
done
phase desk-max
before=$(max_audit)
echo "==> desk, the maximum: 30 reviewers take, save and submit verdicts while 6 editors approve, all through the API, each as fast as it can (closed loop), ${WRITE_SECONDS}s"
"$WORK/loadgen" desk -base "$BASE" -tokens "$TOKENS" -reviewers 30 -editors 6 -duration "${WRITE_SECONDS}s" | tee "$WORK/desk.max" | sed 's/^/   /'
echo "   database: $(sqlite3 "$DB" "SELECT count(*) FROM audit_events WHERE id > $before AND action IN ('verdict.saved', 'claim.submitted', 'claim.approved')") verdict saves, submits and approvals recorded; $(twice "$before") claims taken more than once"
# The same desk paced: the clients ask for DESK_RATES changes a second
# between them whatever the server does, and each request's latency counts
# from its scheduled send time (open loop), so the p99 is the one that holds
# at that rate, not a closed loop's queue.
for rate in ${DESK_RATES:-500 750}; do
	phase "desk-$rate"
	before=$(max_audit)
	echo "==> desk paced at $rate changes/s (the same 30 reviewers and 6 editors, open loop), ${WRITE_SECONDS}s"
	"$WORK/loadgen" desk -base "$BASE" -tokens "$TOKENS" -reviewers 30 -editors 6 -duration "${WRITE_SECONDS}s" -rate "$rate" | tee "$WORK/desk.$rate" | sed 's/^/   /'
	echo "   database: $(sqlite3 "$DB" "SELECT count(*) FROM audit_events WHERE id > $before AND action IN ('verdict.saved', 'claim.submitted', 'claim.approved')") verdict saves, submits and approvals recorded; $(twice "$before") claims taken more than once"
done
echo "==> desk changes (saves, submits, approvals through the API), target: >= 500/s with p99 <= 50 ms"
awk '/^RESULT desk / { for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "   closed loop, the maximum: %s changes/s (p99 %s ms, a queue of 36 clients)\n", v["changes_per_s"], v["p99_ms"] }' "$WORK/desk.max"
for rate in ${DESK_RATES:-500 750}; do
	awk '/^RESULT desk-paced / { for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "   paced at %s/s: %s changes/s answered, p50 %s ms, p99 %s ms, p99.9 %s ms, slowest %s ms; %s not sent in time\n",
			v["target_per_s"], v["changes_per_s"], v["p50_ms"], v["p99_ms"], v["p999_ms"], v["max_ms"], v["unsent"] }' "$WORK/desk.$rate"
done

peak=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
echo
echo "==> server memory: peak RSS $((peak / 1024)) MB; by phase, the highest and the last RSS sampled (MB): $(awk '!($1 in hi) { order[++n] = $1 } $2 > hi[$1] { hi[$1] = $2 } { last[$1] = $2 }
	END { for (i = 1; i <= n; i++) printf "%s%s %d/%d", (i > 1 ? ", " : ""), order[i], hi[order[i]] / 1024, last[order[i]] / 1024 }' "$RSS_LOG")"
first=$STARTUP_MS
stop_server
start_server
echo "==> startup on $(du -h "$DB" | cut -f1): ${first} ms at the first start, ${STARTUP_MS} ms at a restart (until /healthz answers)"
stop_server
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
