#!/usr/bin/env bash
# Crash benchmark: a desk (reviewers taking, saving, commenting and
# submitting; editors approving) works as fast as it can while the server is
# killed with SIGKILL at a random moment, ROUNDS times. After each kill: every
# change the server acknowledged is in the database, nothing is half done
# (storage.CheckIntegrity), `audit verify` passes, and the restarted server
# answers within 1 s. Round 2 also takes a backup under the load, which must
# verify and hold every change acknowledged before it began.
# Then, as root: a full disk and a read-only database (a small tmpfs) must give
# a clear error page and a log line while reading keeps working.
#
#   bash bench/crash.sh                 # 20 rounds on a 200,000-claim database
#   ROUNDS=5 CLAIMS=20000 bash bench/crash.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-20}
CLAIMS=${CLAIMS:-200000} # enough queued claims for 20 rounds of a desk at full speed
PASSWORD=bench-password
WORK=$(mktemp -d)
MNT=
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	[ -n "$MNT" ] && { mount -o remount,rw "$MNT" 2>/dev/null; umount "$MNT" 2>/dev/null; }
	rm -rf "$WORK"
}
trap cleanup EXIT
command -v curl >/dev/null || { echo "crash.sh: curl not found (apt-get install -y curl)" >&2; exit 1; }

echo "==> building claimtrail and loadgen into $WORK"
go build -o "$WORK/claimtrail" ./cmd/claimtrail
go build -o "$WORK/loadgen" ./bench/loadgen
DB=$WORK/crash.db
echo "==> seeding $CLAIMS claims"
"$WORK/claimtrail" seed-bench -db "$DB" -claims "$CLAIMS" -password "$PASSWORD" > "$WORK/seed.out" 2>/dev/null
head -1 "$WORK/seed.out"
tokens() { # tokens DB FILE
	for who in $(seq -f 'reviewer%02g' 1 12) $(seq -f 'editor%02g' 1 3); do
		echo "$who@bench.example $("$WORK/claimtrail" token create -db "$1" -user "$who@bench.example" -name crash 2>/dev/null)"
	done > "$2"
}
tokens "$DB" "$WORK/tokens"

echo "==> $ROUNDS rounds: 12 reviewers and 3 editors at full speed, SIGKILL after 0.5-3 s"
"$WORK/loadgen" crash -bin "$WORK/claimtrail" -db "$DB" -tokens "$WORK/tokens" -rounds "$ROUNDS" -password "$PASSWORD"

echo
if [ "$(id -u)" != 0 ]; then
	echo "==> full disk and read-only database: skipped (needs root to mount a small tmpfs)"
	exit 0
fi
echo "==> full disk and read-only database, on a 48 MB tmpfs"
MNT=$WORK/mnt
mkdir -p "$MNT"
mount -t tmpfs -o size=48m tmpfs "$MNT"
SDB=$MNT/small.db
"$WORK/claimtrail" seed-bench -db "$SDB" -claims 3000 -password "$PASSWORD" >/dev/null 2>&1
tokens "$SDB" "$WORK/small-tokens"
TOKEN=$(awk '/^reviewer01/ {print $2}' "$WORK/small-tokens")
PORT=18099
BASE=http://127.0.0.1:$PORT
"$WORK/claimtrail" serve -db "$SDB" -addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do sleep 0.05; done
COOKIE=$("$WORK/loadgen" login -base "$BASE" -email editor01@bench.example -password "$PASSWORD")
CLAIM=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/queue/next" | sed 's/^{"id":\([0-9]*\).*/\1/')
fail=0
expect() { # expect WHAT WANT GOT
	if [ "$2" = "$3" ]; then echo "   ok: $1 ($3)"; else echo "   FAIL: $1: want $2, got $3"; fail=1; fi
}
comment() { curl -s -o "$WORK/page" -w '%{http_code}' -H "Cookie: $COOKIE" --data-urlencode "body=$1" "$BASE/claims/$CLAIM/comments"; }
reads() {
	expect "queue page still reads" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/queue")"
	expect "claim page still reads" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/claims/$CLAIM")"
	expect "API claim still reads" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/claims/$CLAIM")"
}
expect "a comment before the disk fills" 303 "$(comment 'Before the disk filled.')"

dd if=/dev/zero of="$MNT/filler" bs=1M 2>/dev/null || true
# The log may still have room written earlier: comment until a change needs more.
big=$(head -c 3000 /dev/zero | tr '\0' 'x')
for i in $(seq 200); do code=$(comment "$big $i"); [ "$code" = 303 ] || break; done
expect "a comment on a full disk is refused (after $((i - 1)) fitted in the space left)" 503 "$code"
grep -q "disk is full" "$WORK/page" && echo "   ok: the page says: $(grep -o "The server[^<]*disk is full[^<]*" "$WORK/page" | head -1 | sed "s/&#39;/'/g")" || { echo "   FAIL: the page does not say the disk is full"; fail=1; }
api=$(curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X PUT "$BASE/api/v1/claims/$CLAIM/verdict" \
	-d "{\"conclusion\": \"Full disk.\", \"explanation\": \"$big\", \"version\": 1}")
echo "$api" | grep -q '"unavailable"' && echo "   ok: the API answers code unavailable" || echo "   note: API verdict on a full disk answered: ${api:0:160}"
grep -q 'database cannot be written' "$WORK/server.log" && echo "   ok: log line: $(grep 'database cannot be written' "$WORK/server.log" | head -1 | cut -c1-220)" || { echo "   FAIL: no log line"; fail=1; }
reads
rm -f "$MNT/filler"
expect "a comment once there is room again" 303 "$(comment 'After room was made.')"

kill "$PID"; wait "$PID" 2>/dev/null || true; PID=

# Read-only: the kernel will not remount a file system read-only under open
# files, so the database and its log are made immutable (chattr +i, which
# ext4 enforces on open files too) under the running server.
echo "==> read-only database (chattr +i on the database and its log, ext4)"
RODB=$WORK/ro.db
cp "$SDB" "$RODB"; cp "$SDB.keys" "$RODB.keys"
"$WORK/claimtrail" serve -db "$RODB" -addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do sleep 0.05; done
if command -v chattr >/dev/null && chattr +i "$RODB" "$RODB-wal" 2>"$WORK/chattr.err"; then
	for i in $(seq 50); do code=$(comment "Read-only $i"); [ "$code" = 303 ] || break; done
	expect "a comment on a read-only database is refused" 503 "$code"
	grep -q "could not write\|read-only" "$WORK/page" && echo "   ok: the page says: $(grep -o "The [^<]*\(could not write\|read-only\)[^<]*" "$WORK/page" | head -1 | sed "s/&#39;/'/g")" || { echo "   FAIL: the page does not say why"; fail=1; }
	grep -q 'database cannot be written' "$WORK/server.log" && echo "   ok: log line: $(grep 'database cannot be written' "$WORK/server.log" | head -1 | cut -c1-200)" || { echo "   FAIL: no log line"; fail=1; }
	reads
	chattr -i "$RODB" "$RODB-wal"
	expect "a comment once the database is writable again" 303 "$(comment 'Writable again.')"
else
	echo "   not tested: chattr +i refused here ($(cat "$WORK/chattr.err")); it needs ext4 or a similar file system"
fi
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
exit $fail
