#!/usr/bin/env bash
# A network test bed inside this machine: hosts as Linux network namespaces joined by veth links
# and a bridge (iproute2), real latency from our own userspace link emulator (scripts/linkemu.py;
# these kernels have no netem), and one API key shared by every bot through the PostgreSQL store.
#
#   exchange 10.213.0.2   `bfxrun simulate` (the simulator's ledger counts accepted/rejected/out-of-order nonces)
#   db       10.213.0.3   PostgreSQL, a throw-away cluster (initdb in a temp dir)
#   bot1..3  10.213.0.11… `bfxrun nonce stress` workers; each bot reaches the exchange and the db
#                         through two linkemu proxies on its own loopback (delay MIN..MAX ms per
#                         chunk and direction, order kept per connection, cut on demand)
#   switch                the bridge (so the root namespace is never touched)
#
# Usage: scripts/testbed.sh MODE   (run as root; BFXRUN=path to bfxrun, default .build/debug/bfxrun)
#   ci       scenario 1 at CI size + the faults (kill -9 of the lock holder, a bot host cut while it
#            holds the lock, PostgreSQL restarted, exchange unreachable 10 s); exits 1 unless
#            0 rejections, 0 out-of-order, no success the exchange did not accept
#   full     the same at full size (3 hosts × 4 processes × 16 tasks, make stress)
#   physics  no faults, fixed delay: TB_DELAY_MS=20 (one way, per chunk), for the bound in docs/nonces.md
#   memory   scenario 1 with the memory store (no coordination): must show rejections
# Sizes: TB_PROCESSES TB_TASKS TB_CALLS TB_MIN_MS TB_MAX_MS TB_STORE override the mode's defaults.
# Exit 2 with a message when namespaces cannot be created (never a silent pass).
# Everything is torn down at the end, also on failure or interruption (trap).
set -euo pipefail
MODE="${1:-ci}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BFXRUN="${BFXRUN:-$ROOT/.build/debug/bfxrun}"
LINKEMU="$ROOT/scripts/linkemu.py"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
BUDGET="${TB_BUDGET_SECONDS:-600}"   # hard bound for the whole run
case "$MODE" in
  ci)      P=${TB_PROCESSES:-2}; T=${TB_TASKS:-8};  C=${TB_CALLS:-24}; MIN=${TB_MIN_MS:-5}; MAX=${TB_MAX_MS:-40}; FAULTS=1 ;;
  full)    P=${TB_PROCESSES:-4}; T=${TB_TASKS:-16}; C=${TB_CALLS:-40}; MIN=${TB_MIN_MS:-5}; MAX=${TB_MAX_MS:-40}; FAULTS=1
           BUDGET="${TB_BUDGET_SECONDS:-1800}" ;;
  physics) D=${TB_DELAY_MS:-20}; P=${TB_PROCESSES:-2}; T=${TB_TASKS:-8}; C=${TB_CALLS:-5}; MIN=${TB_MIN_MS:-$D}; MAX=${TB_MAX_MS:-$D}; FAULTS=0 ;;
  memory)  P=${TB_PROCESSES:-2}; T=${TB_TASKS:-8};  C=${TB_CALLS:-10}; MIN=${TB_MIN_MS:-5}; MAX=${TB_MAX_MS:-40}; FAULTS=0 ;;
  *) echo "usage: $0 ci|full|physics|memory" >&2; exit 2 ;;
esac
STORE=${TB_STORE:-postgres}
[ "$MODE" = memory ] && STORE=memory
HOSTS=(1 2 3)

die() { echo "testbed: $*" >&2; exit 1; }
[ -x "$BFXRUN" ] || die "bfxrun not found at $BFXRUN (swift build first, or set BFXRUN)"
[ -n "$PGBIN" ] || die "PostgreSQL server binaries not found (scripts/ensure-deps.sh)"
command -v python3 >/dev/null || die "python3 is required (scripts/linkemu.py)"

ID=$(printf '%04x' $(( ($$ + RANDOM) % 65536 )))
NSP="bfxtb$ID"
WORK=$(mktemp -d /tmp/bfx-testbed.XXXXXX)
chmod 755 "$WORK"
PIDS=()
NETNS=()
PGDIR="$WORK/pg"
START_EPOCH=$(date +%s)

teardown() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ -f "$PGDIR/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR" -m immediate stop >/dev/null 2>&1 || true
  fi
  for ns in "${NETNS[@]}"; do
    # Whatever still runs in the namespace is ours: end it by pid before deleting the namespace.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  if [ "${TB_KEEP:-0}" = 1 ]; then echo "testbed: kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

elapsed() { echo $(( $(date +%s) - START_EPOCH )); }
check_budget() { [ "$(elapsed)" -lt "$BUDGET" ] || die "time budget of $BUDGET s exceeded"; }

# --- network ---------------------------------------------------------------------------------
if ! ip netns add "${NSP}sw" 2>"$WORK/netns.err"; then
  echo "testbed: cannot create network namespaces: $(cat "$WORK/netns.err")" >&2
  echo "testbed: the test bed needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2; it does not pass without them" >&2
  exit 2
fi
NETNS+=("${NSP}sw")
ip -n "${NSP}sw" link set lo up
ip -n "${NSP}sw" link add br0 type bridge
ip -n "${NSP}sw" link set br0 up

addhost() {  # name last-octet
  local ns="${NSP}$1"
  ip netns add "$ns"
  NETNS+=("$ns")
  ip link add "h$ID$1" netns "$ns" type veth peer name "s$ID$1" netns "${NSP}sw"
  ip -n "${NSP}sw" link set "s$ID$1" master br0 up
  ip -n "$ns" link set "h$ID$1" name eth0
  ip -n "$ns" addr add "10.213.0.$2/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
}
addhost ex 2
addhost db 3
for h in "${HOSTS[@]}"; do addhost "b$h" $((10 + h)); done
EX="${NSP}ex"; DB="${NSP}db"
inns() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }
bg() {  # ns logfile cmd... : start in the background, remember the pid
  local ns="$1" log="$2"; shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 &
  PIDS+=($!)
}
waitfor() {  # seconds description command...
  local n=$(( $1 * 10 )) what="$2"; shift 2
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "timed out waiting for $what"
}

# --- exchange --------------------------------------------------------------------------------
echo '[{"key":"stress-key","secret":"stress-secret"}]' >"$WORK/keys.json"
bg "$EX" "$WORK/exchange.log" timeout --kill-after=5 "$BUDGET" "$BFXRUN" simulate --host 10.213.0.2 --port 8000 \
  --allow-non-loopback --keys "$WORK/keys.json" --rest-auth-per-minute 100000000 --rest-public-per-minute 1000000 --rate 1
SIMSTATE="import json,sys,urllib.request as u; s=json.load(u.urlopen('http://10.213.0.2:8000/_sim/state',timeout=5)); n=s.get('nonces',{}).get('stress-key',{}); print(n.get('accepted',0), n.get('rejected',0), n.get('outOfOrder',0), n.get('lastNonce',0))"
simstate() { inns "$EX" python3 -c "$SIMSTATE"; }
waitfor 60 "the simulator" simstate

# --- database --------------------------------------------------------------------------------
mkdir -p "$PGDIR"; chown postgres:postgres "$PGDIR"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR" -U bfxkit --auth=trust -E UTF8 >"$WORK/initdb.log"
echo "host all all 10.213.0.0/24 trust" >>"$PGDIR/pg_hba.conf"
pgstart() {
  inns "$DB" runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w -t 60 \
    -o "-c listen_addresses=10.213.0.3 -p 5432 -k $PGDIR -c max_connections=200 -c fsync=off" start >/dev/null
}
pgstart
psqldb() { inns "$DB" runuser -u postgres -- "$PGBIN/psql" -h 10.213.0.3 -U bfxkit -d "${PGDB:-bfxkit}" -Atqc "$1"; }
PGDB=postgres psqldb "CREATE DATABASE bfxkit" >/dev/null

# --- links -------------------------------------------------------------------------------------
for h in "${HOSTS[@]}"; do
  ns="${NSP}b$h"
  for link in ex db; do
    if [ "$link" = ex ]; then listen=127.0.0.1:18000; target=10.213.0.2:8000; else listen=127.0.0.1:15432; target=10.213.0.3:5432; fi
    bg "$ns" "$WORK/linkemu-b$h-$link.out" timeout --kill-after=5 "$BUDGET" python3 "$LINKEMU" --listen "$listen" \
      --connect "$target" --min-ms "$MIN" --max-ms "$MAX" --cut-file "$WORK/cut-b$h-$link" --seed "$h$((${#link}))" \
      --max-seconds "$BUDGET" --log "$WORK/linkemu-b$h-$link.log"
  done
  waitfor 20 "link emulator on bot$h" inns "$ns" python3 -c "import socket; socket.create_connection(('127.0.0.1',18000),1).close(); socket.create_connection(('127.0.0.1',15432),1).close()"
done

# --- faults ----------------------------------------------------------------------------------
# The lock holder: the session of the key that has a transaction id and is idle in its
# transaction (waiting for the exchange). Its client port leads, through the link emulator's
# connection log, to the bot-side port and so (ss -p) to the process.
holder() {  # prints "host pid" of the process holding the key's lock, or nothing
  local row addr port h q pid
  row=$(psqldb "SELECT host(client_addr), client_port FROM pg_stat_activity WHERE application_name LIKE 'bfxnonce:%'
                AND backend_xid IS NOT NULL AND state = 'idle in transaction' LIMIT 1" 2>/dev/null) || return 1
  [ -n "$row" ] || return 1
  addr=${row%|*}; port=${row#*|}
  h=$(( ${addr##*.} - 10 ))
  q=$(grep -h "upstream_local=$addr:$port\$" "$WORK/linkemu-b$h-db.log" 2>/dev/null | tail -1 | sed -n 's/.*client=127.0.0.1:\([0-9]*\) .*/\1/p')
  [ -n "$q" ] || return 1
  pid=$(inns "${NSP}b$h" ss -tnpH "sport = :$q" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
  [ -n "$pid" ] || return 1
  echo "$h $pid $port"
}
accepted() { local a; a=$(simstate 2>/dev/null | cut -d' ' -f1); echo "${a:-0}"; }
resume_after() {  # seconds-limit: waits until the simulator accepts a new nonce; prints the seconds it took
  local a0 t0 a
  a0=$(accepted); t0=$(date +%s.%N)
  for _ in $(seq $(( $1 * 10 ))); do
    a=$(accepted)
    if [ "$a" -gt "$a0" ]; then printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)"; return 0; fi
    sleep 0.1
  done
  echo "never"
}
holds() {  # host [client-port]: true while a session from that host (and port) holds the key's lock
  local extra=""
  [ -n "${2:-}" ] && extra="AND client_port = $2"
  [ -n "$(psqldb "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'bfxnonce:%' AND backend_xid IS NOT NULL
                  AND state = 'idle in transaction' AND host(client_addr) = '10.213.0.$((10 + $1))' $extra" 2>/dev/null)" ]
}
findholder() {
  local hp
  for _ in $(seq 100); do hp=$(holder) && { echo "$hp"; return 0; }; sleep 0.1; done
  return 1
}
FAULTLOG="$WORK/faults.txt"; : >"$FAULTLOG"
faults() {
  trap - EXIT INT TERM   # the main shell tears down; this background job only injects faults
  set +e
  sleep 8
  local hp h pid r
  # 1. kill -9 of the process holding the key's lock: stop it (SIGSTOP keeps its transaction
  #    open), confirm in pg_stat_activity that it still holds the lock, then kill -9
  local tries=0 done=0
  while [ $tries -lt 10 ] && [ $done = 0 ]; do
    tries=$((tries + 1))
    hp=$(findholder) || continue
    read -r h pid port <<<"$hp"
    kill -STOP "$pid" 2>/dev/null || continue
    sleep 0.3
    if holds "$h" "$port"; then
      kill -KILL "$pid" 2>/dev/null
      echo "t+$(elapsed)s kill9: killed pid $pid on bot$h holding the lock (confirmed); others resumed after $(resume_after 30) s" >>"$FAULTLOG"
      done=1
    else
      kill -CONT "$pid" 2>/dev/null
    fi
  done
  [ $done = 1 ] || echo "kill9: could not catch a holder in 10 tries" >>"$FAULTLOG"
  sleep 5
  # 2. a bot host's links cut while one of its processes holds the lock (confirmed after the cut:
  #    its COMMIT cannot arrive any more); healed once the others resumed
  tries=0; done=0
  while [ $tries -lt 8 ] && [ $done = 0 ]; do
    tries=$((tries + 1))
    hp=$(findholder) || continue
    h=${hp%% *}
    touch "$WORK/cut-b$h-ex" "$WORK/cut-b$h-db"
    sleep 0.3
    if holds "$h"; then
      r=$(resume_after 60)
      echo "t+$(elapsed)s cut: bot$h cut while holding the lock (confirmed); others resumed after $r s (bound: lock hold timeout 20 s)" >>"$FAULTLOG"
      done=1
    fi
    sleep 1
    rm -f "$WORK/cut-b$h-ex" "$WORK/cut-b$h-db"
    sleep 1
  done
  [ $done = 1 ] || echo "cut: could not catch a holder in 8 tries" >>"$FAULTLOG"
  sleep 3
  # 3. PostgreSQL restarted mid-run
  inns "$DB" runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR" -m fast -w -t 60 stop >/dev/null
  sleep 1
  pgstart
  echo "t+$(elapsed)s pg-restart: stopped (fast) and started again; calls resumed after $(resume_after 60) s" >>"$FAULTLOG"
  sleep 5
  # 4. the exchange unreachable for 10 s (its interface down: packets lost, TCP retransmits after)
  inns "$EX" ip link set eth0 down
  sleep 10
  inns "$EX" ip link set eth0 up
  echo "t+$(elapsed)s exchange-down: 10 s; calls resumed after $(resume_after 60) s" >>"$FAULTLOG"
}

# --- run ---------------------------------------------------------------------------------------
read -r A0 R0 O0 _ < <(simstate)
echo "testbed: mode $MODE, store $STORE, ${#HOSTS[@]} hosts × $P processes × $T tasks × $C calls, links $MIN-$MAX ms one way"
T0=$(date +%s.%N)
BOTS=()
for h in "${HOSTS[@]}"; do
  ip netns exec "${NSP}b$h" timeout --kill-after=10 "$BUDGET" "$BFXRUN" nonce stress --url http://127.0.0.1:18000 \
    --processes "$P" --tasks "$T" --calls "$C" --store "$STORE" --postgres-url postgres://bfxkit@127.0.0.1:15432/bfxkit \
    --json --progress 15 >"$WORK/bot$h.json" 2>"$WORK/bot$h.err" &
  BOTS+=($!); PIDS+=($!)
done
FPID=""
if [ "$FAULTS" = 1 ] && [ "$STORE" = postgres ]; then faults & FPID=$!; PIDS+=($FPID); fi
for pid in "${BOTS[@]}"; do wait "$pid" || true; done
T1=$(date +%s.%N)
[ -n "$FPID" ] && { wait "$FPID" || true; }
check_budget
read -r A1 R1 O1 LAST < <(simstate)

# --- report ------------------------------------------------------------------------------------
SECONDS_RUN=$(echo "$T1 - $T0" | bc)
RC=0
python3 - "$WORK" "$((A1 - A0))" "$((R1 - R0))" "$((O1 - O0))" "$SECONDS_RUN" "$MODE" "$STORE" "$FAULTLOG" "$MIN" "$MAX" <<'EOF' || RC=$?
import json, sys, os
work, accepted, rejected, ooo, secs, mode, store, faultlog, lo, hi = sys.argv[1:]
accepted, rejected, ooo, secs = int(accepted), int(rejected), int(ooo), float(secs)
succeeded = failed = total = client_rej = 0
errors = []
for h in (1, 2, 3):
    try:
        r = json.load(open(os.path.join(work, f"bot{h}.json")))
    except Exception as e:
        errors.append(f"bot{h}: no report ({e}); stderr: {open(os.path.join(work, f'bot{h}.err')).read()[-400:]}")
        continue
    succeeded += r["succeeded"]; failed += r["failed"]; total += r["total"]; client_rej += r["clientNonceRejections"]
    if r.get("firstError"): errors.append(f"bot{h}: {r['firstError'][:200]}")
faults = open(faultlog).read().strip() if os.path.exists(faultlog) else ""
print(f"testbed result ({mode}, store {store}, links {lo}-{hi} ms):")
print(f"  calls: {total} issued by clients, {succeeded} succeeded, {failed} failed with an error to the caller")
print(f"  exchange ledger: accepted {accepted}, rejected {rejected}, out-of-order {ooo}")
print(f"  {accepted / secs if secs > 0 else 0:.1f} accepted calls/s over {secs:.1f} s; client-side nonce rejections {client_rej}")
if faults: print("  faults:\n    " + faults.replace("\n", "\n    "))
for e in errors[:6]: print("  first error " + e)
ok = True
if mode != "memory":
    if rejected or ooo:
        print("FAIL: the exchange rejected or saw out-of-order nonces"); ok = False
    if succeeded > accepted:
        print("FAIL: clients counted more successes than the exchange accepted"); ok = False
    if accepted == 0:
        print("FAIL: no call went through"); ok = False
    if mode != "physics" and store == "postgres" and "never" in faults:
        print("FAIL: calls did not resume after a fault"); ok = False
else:
    print("  (memory store: rejections and reorderings are expected — they show the test bed sees the failure)")
    if rejected + ooo == 0:
        print("FAIL: the memory store showed no rejection on the test bed"); ok = False
json.dump({"mode": mode, "store": store, "total": total, "succeeded": succeeded, "failed": failed, "accepted": accepted,
           "rejected": rejected, "outOfOrder": ooo, "seconds": secs, "callsPerSecond": accepted / secs if secs else 0,
           "faults": faults.splitlines()}, open(os.path.join(work, "result.json"), "w"))
sys.exit(0 if ok else 1)
EOF
[ -n "${TB_RESULT:-}" ] && cp "$WORK/result.json" "$TB_RESULT" 2>/dev/null || true
exit $RC
