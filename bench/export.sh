#!/usr/bin/env bash
# Export benchmark over a `claimtrail seed-bench` database: `claimtrail export -format csv` against the sqlite3 shell
# writing the same columns (bench/export_sqlite3.sql) from the same database,
# measured in one run. Reports wall time, peak RSS, rows/s and the ratio.
#
#   bash bench/export.sh            # 1,000,000 claims, about 126,000 approved (seeding takes ~4 minutes)
#   CLAIMS=100000 bash bench/export.sh
#   BENCH_DB=/tmp/bench1m.db bash bench/export.sh   # reuse a seeded database
set -euo pipefail
cd "$(dirname "$0")/.."

CLAIMS=${CLAIMS:-1000000}
WORK=${WORK:-$(mktemp -d)}
DB=${BENCH_DB:-$WORK/bench-$CLAIMS.db}
SQLITE3=${SQLITE3:-/usr/bin/sqlite3}
TIME=/usr/bin/time
BASE=https://checks.example

[ -x "$SQLITE3" ] || { echo "export.sh: $SQLITE3 not found" >&2; exit 1; }
[ -x "$TIME" ] || { echo "export.sh: /usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }

if [ ! -e "$DB" ]; then
	echo "==> seeding $CLAIMS claims (about an eighth approved) into $DB"
	go run ./cmd/claimtrail seed-bench -db "$DB" -claims "$CLAIMS"
fi
go build -o "$WORK/claimtrail" ./cmd/claimtrail
rows=$("$SQLITE3" "$DB" "SELECT count(*) FROM claims WHERE state = 'approved'")

# Warm the page cache once so that neither side pays for the first read.
cat "$DB" > /dev/null

# The two run alternately, ROUNDS times each, and the fastest of each counts,
# so that other work on the machine skews neither side.
ROUNDS=${ROUNDS:-2}
best() { sort -n "$1" | head -1; }
: > "$WORK/ct.times"; : > "$WORK/sq.times"
for round in $(seq "$ROUNDS"); do
	echo "==> round $round: claimtrail export, then sqlite3 .mode csv"
	"$TIME" -f '%e %M' -o "$WORK/t" "$WORK/claimtrail" export -db "$DB" -format csv -base-url "$BASE" -o "$WORK/claimtrail.csv"
	cat "$WORK/t" >> "$WORK/ct.times"
	"$TIME" -f '%e %M' -o "$WORK/t" "$SQLITE3" -bail "$DB" < bench/export_sqlite3.sql > "$WORK/sqlite3.csv"
	cat "$WORK/t" >> "$WORK/sq.times"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

read -r ct_s ct_kb < <(best "$WORK/ct.times")
read -r sq_s sq_kb < <(best "$WORK/sq.times")
awk -v rows="$rows" -v ct="$ct_s" -v ctkb="$ct_kb" -v sq="$sq_s" -v sqkb="$sq_kb" \
	-v ctb="$(stat -c %s "$WORK/claimtrail.csv")" -v sqb="$(stat -c %s "$WORK/sqlite3.csv")" 'BEGIN {
	printf "rows:        %d\n", rows
	printf "claimtrail:  %.2f s  %8.0f rows/s  %6.1f MB/s  peak RSS %.1f MB  (%d bytes)\n", ct, rows/ct, ctb/ct/1e6, ctkb/1024, ctb
	printf "sqlite3:     %.2f s  %8.0f rows/s  %6.1f MB/s  peak RSS %.1f MB  (%d bytes)\n", sq, rows/sq, sqb/sq/1e6, sqkb/1024, sqb
	printf "ratio:       %.2f (claimtrail / sqlite3; target <= 1.5)\n", ct/sq
}'
echo "machine:     $(nproc) CPUs, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
