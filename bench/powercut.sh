#!/usr/bin/env bash
# Power-cut benchmark: the crash run (bench/crash.sh) with the power cut at
# each kill. The server runs on a FUSE mount of the database's directory that
# keeps every write in memory until the file is synced (bench/powercut); a
# desk (reviewers taking, saving, commenting and submitting; editors
# approving) works as fast as it can; at a random moment the server is
# killed with SIGKILL and the power cut, dropping every unsynced write. Then
# the directory underneath must hold every change the server acknowledged,
# nothing half done, and `audit verify` must pass; the next round's server
# starts on what survived. CUTS rounds for each durability setting, each on
# its own copy of one seeded database: `full` and `sqlite-full` must lose
# nothing; `normal` may lose the last changes (README, "Durability"), and
# what it lost is counted.
#
#   bash bench/powercut.sh                       # 20 cuts per setting, 50,000 claims (root, FUSE)
#   CUTS=5 CLAIMS=20000 MODES="full normal" bash bench/powercut.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CUTS=${CUTS:-20}
CLAIMS=${CLAIMS:-50000}
MODES=${MODES:-full sqlite-full normal}
PASSWORD=bench-password
if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ]; then
	echo "powercut.sh: skipped: the power cut is played on a FUSE mount, which needs root and /dev/fuse"
	exit 0
fi
WORK=$(mktemp -d)
MNT=$WORK/mnt
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && umount -l "$MNT"
	rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$MNT"

echo "==> building claimtrail and loadgen into $WORK"
go build -o "$WORK/claimtrail" ./cmd/claimtrail
go build -o "$WORK/loadgen" ./bench/loadgen
SEED=$WORK/seed/crash.db
mkdir -p "$WORK/seed"
echo "==> seeding $CLAIMS claims"
"$WORK/claimtrail" seed-bench -db "$SEED" -claims "$CLAIMS" -password "$PASSWORD" > "$WORK/seed.out" 2>/dev/null
head -1 "$WORK/seed.out"
for who in $(seq -f 'reviewer%02g' 1 12) $(seq -f 'editor%02g' 1 3); do
	echo "$who@bench.example $("$WORK/claimtrail" token create -db "$SEED" -user "$who@bench.example" -name powercut 2>/dev/null)"
done > "$WORK/tokens"

status=0
for mode in $MODES; do
	echo
	echo "==> durability $mode: $CUTS power cuts, 12 reviewers and 3 editors at full speed, SIGKILL and cut after 0.5-3 s"
	mkdir -p "$WORK/$mode"
	cp "$SEED" "$SEED.keys" "$WORK/$mode/"
	if ! "$WORK/loadgen" crash -bin "$WORK/claimtrail" -db "$WORK/$mode/crash.db" -tokens "$WORK/tokens" \
		-rounds "$CUTS" -password "$PASSWORD" -powercut "$MNT" -durability "$mode" | tee "$WORK/$mode.out"; then
		echo "   FAIL: durability $mode"
		status=1
	fi
	rm -rf "${WORK:?}/$mode"
done

echo
echo "durability   cuts  acknowledged  found  lost"
for mode in $MODES; do
	line=$(grep '^RESULT powercut' "$WORK/$mode.out" || true)
	get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
	printf '%-11s %5s %13s %6s %5s\n' "$mode" "$(get cuts)" "$(get acknowledged)" "$(get found)" "$(get lost)"
done
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
exit $status
