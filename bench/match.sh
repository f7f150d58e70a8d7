#!/usr/bin/env bash
# Matcher speed at a million claims plus imported checks, and import speed.
#
#   BENCH_DB=/var/tmp/m.db bash bench/match.sh
#   CLAIMS=100000 CHECKS=10000 bash bench/match.sh      # a smaller database
#   N=400 ARTICLES=50 bash bench/match.sh               # more or fewer timed calls
#
# BENCH_DB is a `claimtrail seed-bench` database (seeded with CLAIMS claims
# when missing; never point it at a newsroom's database: it is written to).
# When it holds fewer than CHECKS imported checks, CHECKS made-up ClaimReview
# checks (bench/checkgen: half other publishers' rewordings of accepted
# claims, half of claims never accepted) are imported with
# `claimtrail import -format claimreview`, timed.
#
# Then, in one run of the storage benchmarks (go test -bench):
#   - one match by kind of text (a repeat in other words, a sentence never
#     seen, a short lower-case post, another publisher's check), N each;
#   - adding an article of 40 candidates, without and with matching them as
#     the article page does, ARTICLES each; what matching adds is the
#     difference of the two;
# and finally 10,000 checks imported with `claimtrail import`, timed, into an
# empty database and into BENCH_DB (new addresses each run, so BENCH_DB gains
# 10,000 checks per run).
set -euo pipefail
cd "$(dirname "$0")/.."

CLAIMS=${CLAIMS:-1000000}
CHECKS=${CHECKS:-100000}
DB=${BENCH_DB:-/tmp/claimtrail-bench-$CLAIMS.db}
N=${N:-200}
ARTICLES=${ARTICLES:-30}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

command -v sqlite3 >/dev/null || { echo "match.sh: sqlite3 not found; install it with: apt-get install -y sqlite3" >&2; exit 1; }

echo "==> building claimtrail, checkgen and the storage benchmarks into $WORK"
go build -o "$WORK/claimtrail" ./cmd/claimtrail
go build -o "$WORK/checkgen" ./bench/checkgen
go test -c -o "$WORK/storage.test" ./storage

if [ ! -e "$DB" ]; then
	echo "==> seeding $CLAIMS claims into $DB"
	"$WORK/claimtrail" seed-bench -db "$DB" -claims "$CLAIMS" -password bench-password
fi
have=$(sqlite3 -readonly "$DB" 'SELECT count(*) FROM imported_checks')
if [ "$have" -lt "$CHECKS" ]; then
	echo "==> importing $CHECKS made-up checks into $DB (it has $have)"
	"$WORK/checkgen" -db "$DB" -n "$CHECKS" >"$WORK/checks.jsonl"
	/usr/bin/time -f '    %e s wall, %M KB peak RSS' "$WORK/claimtrail" import -format claimreview -db "$DB" "$WORK/checks.jsonl" 2>&1 | tr '\r' '\n' | grep -v '%)' || true
fi
sqlite3 -readonly "$DB" "SELECT '    ' || (SELECT count(*) FROM claims) || ' claims, ' || (SELECT count(*) FROM imported_checks) || ' imported checks, ' || docs || ' documents indexed for matching' FROM match_stats"

echo "==> matching (go test -bench; p50 and p95 per call)"
(cd storage && CLAIMTRAIL_MATCH_BENCH_DB="$DB" "$WORK/storage.test" -test.run '^$' -test.benchtime "${N}x" \
	-test.bench 'BenchmarkMatch$' | grep -E '^Benchmark')
(cd storage && CLAIMTRAIL_MATCH_BENCH_DB="$DB" "$WORK/storage.test" -test.run '^$' -test.benchtime "${ARTICLES}x" \
	-test.bench 'BenchmarkArticleAdd' | grep -E '^Benchmark')

echo "==> importing 10,000 checks"
"$WORK/checkgen" -db "$DB" -n 10000 -seed "$(date +%s)" >"$WORK/checks10k.jsonl"
"$WORK/claimtrail" migrate -db "$WORK/empty.db" >/dev/null
for target in "$WORK/empty.db" "$DB"; do
	start=$(date +%s%N)
	"$WORK/claimtrail" import -format claimreview -db "$target" "$WORK/checks10k.jsonl" 2>/dev/null | head -1
	end=$(date +%s%N)
	echo "    into $(basename "$target"): $(( (end - start) / 1000000 )) ms"
done
