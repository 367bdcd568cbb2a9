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
#   ci       (make test) the phases below at CI size; exits 1 unless every phase has 0 rejections,
#            0 out-of-order and no success the exchange did not accept
#   full     the same at full size (3 hosts × 4 processes × 16 tasks, make stress)
#   physics  phase direct only, no faults, fixed delay: TB_DELAY_MS=20 (one way, per chunk), for docs/nonces.md
#   memory   phase direct with the memory store (no coordination): must show rejections
# Phases (TB_PHASES overrides the mode's list, e.g. TB_PHASES="gateway late"):
#   direct   scenario 1: every bot host runs `bfxrun nonce stress` workers on one key through the
#            PostgreSQL store, jittered links, with the faults (kill -9 of the lock holder, a bot host
#            cut while it holds the lock, PostgreSQL restarted, exchange unreachable 10 s); the
#            workers hold the lane TB_DIRECT_QUARANTINE_S (3) s after a call of unknown outcome
#   gateway  scenario 2: every bot host runs `bfxrun gateway` (all three on the one key, its nonce
#            store the same PostgreSQL); the host's workers sign with the host's local credentials
#            and send through it; the gateways re-sign with the real key
#   late     the late-delivery fault: bot1's link to the exchange stalls (bytes held, delivered
#            later, as TCP retransmission after an outage does) for TB_STALL_S (5) s, longer than the
#            workers' REST timeout (2 s). First without quarantine: the held request arrives after
#            newer nonces and must be rejected (the fault is real); then with
#            `--quarantine TB_QUARANTINE_S` (6 s): 0 rejections required (ADR 0029)
#   volume   ≥ 10,000 signed calls across the three hosts: TB_VOLUME_KEYS (8) keys, each shared by
#            all three hosts through the PostgreSQL store (one lane per key), short jittered links
#            (TB_VOLUME_MIN_MS-TB_VOLUME_MAX_MS, 1-4 ms); per key the calls stay strictly sequential.
#            Runs alongside the gateway phase (other keys, other links, no faults)
# Sizes: TB_PROCESSES TB_TASKS TB_CALLS TB_MIN_MS TB_MAX_MS TB_STORE TB_GW_CALLS TB_VOLUME_CALLS override the defaults.
# Exit 2 with a message when namespaces cannot be created (never a silent pass).
# Everything is torn down at the end, also on failure or interruption (trap).
set -euo pipefail
MODE="${1:-ci}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BFXRUN="${BFXRUN:-$ROOT/.build/debug/bfxrun}"
LINKEMU="$ROOT/scripts/linkemu.py"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
BUDGET="${TB_BUDGET_SECONDS:-900}"   # hard bound for the whole run
case "$MODE" in
  ci)      P=${TB_PROCESSES:-2}; T=${TB_TASKS:-8};  C=${TB_CALLS:-24}; MIN=${TB_MIN_MS:-5}; MAX=${TB_MAX_MS:-40}; FAULTS=1
           GWC=${TB_GW_CALLS:-10}; VC=${TB_VOLUME_CALLS:-105}; PHASES=${TB_PHASES:-direct gateway late volume} ;;
  full)    P=${TB_PROCESSES:-4}; T=${TB_TASKS:-16}; C=${TB_CALLS:-30}; MIN=${TB_MIN_MS:-5}; MAX=${TB_MAX_MS:-40}; FAULTS=1
           GWC=${TB_GW_CALLS:-20}; VC=${TB_VOLUME_CALLS:-105}; PHASES=${TB_PHASES:-direct gateway late volume}
           BUDGET="${TB_BUDGET_SECONDS:-1800}" ;;
  physics) D=${TB_DELAY_MS:-20}; P=${TB_PROCESSES:-2}; T=${TB_TASKS:-8}; C=${TB_CALLS:-5}; MIN=${TB_MIN_MS:-$D}; MAX=${TB_MAX_MS:-$D}; FAULTS=0
           GWC=0; VC=0; PHASES=${TB_PHASES:-direct} ;;
  memory)  P=${TB_PROCESSES:-2}; T=${TB_TASKS:-8};  C=${TB_CALLS:-10}; MIN=${TB_MIN_MS:-5}; MAX=${TB_MAX_MS:-40}; FAULTS=0
           GWC=0; VC=0; PHASES=${TB_PHASES:-direct} ;;
  *) echo "usage: $0 ci|full|physics|memory" >&2; exit 2 ;;
esac
VK=${TB_VOLUME_KEYS:-8}; VMIN=${TB_VOLUME_MIN_MS:-1}; VMAX=${TB_VOLUME_MAX_MS:-4}; VT=${TB_VOLUME_TASKS:-4}
STALL=${TB_STALL_S:-5}; QUAR=${TB_QUARANTINE_S:-6}; DQUAR=${TB_DIRECT_QUARANTINE_S:-3}
has_phase() { case " $PHASES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
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
python3 -c "import json,sys; print(json.dumps([{'key':'stress-key','secret':'stress-secret'}] + [{'key':f'vol-key-{i}','secret':f'vol-secret-{i}'} for i in range(1, int(sys.argv[1]) + 1)]))" "$VK" >"$WORK/keys.json"
bg "$EX" "$WORK/exchange.log" timeout --kill-after=5 "$BUDGET" "$BFXRUN" simulate --host 10.213.0.2 --port 8000 \
  --allow-non-loopback --keys "$WORK/keys.json" --rest-auth-per-minute 100000000 --rest-public-per-minute 1000000 --rate 1
# accepted rejected out-of-order lastNonce, summed over the keys whose name starts with $1 (default: the one key)
SIMSTATE="import json,sys,urllib.request as u; s=json.load(u.urlopen('http://10.213.0.2:8000/_sim/state',timeout=5)).get('nonces',{}); p=sys.argv[1]
ks=[v for k,v in s.items() if (k.startswith(p[:-1]) if p.endswith('*') else k==p)]
print(sum(n.get('accepted',0) for n in ks), sum(n.get('rejected',0) for n in ks), sum(n.get('outOfOrder',0) for n in ks), max([n.get('lastNonce',0) for n in ks] or [0]))"
simstate() { inns "$EX" python3 -c "$SIMSTATE" "${1:-stress-key}"; }
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
    if [ "$link" = ex ]; then listen=127.0.0.1:18000; vlisten=127.0.0.1:18001; target=10.213.0.2:8000
    else listen=127.0.0.1:15432; vlisten=127.0.0.1:15433; target=10.213.0.3:5432; fi
    bg "$ns" "$WORK/linkemu-b$h-$link.out" timeout --kill-after=5 "$BUDGET" python3 "$LINKEMU" --listen "$listen" \
      --connect "$target" --min-ms "$MIN" --max-ms "$MAX" --cut-file "$WORK/cut-b$h-$link" --stall-file "$WORK/stall-b$h-$link" \
      --seed "$h$((${#link}))" --max-seconds "$BUDGET" --log "$WORK/linkemu-b$h-$link.log"
    if has_phase volume; then  # the volume phase's short links: their own proxies
      bg "$ns" "$WORK/linkemu-b$h-v$link.out" timeout --kill-after=5 "$BUDGET" python3 "$LINKEMU" --listen "$vlisten" \
        --connect "$target" --min-ms "$VMIN" --max-ms "$VMAX" --seed "$h$((${#link}))7" --max-seconds "$BUDGET" \
        --log "$WORK/linkemu-b$h-v$link.log"
    fi
  done
  waitfor 20 "link emulator on bot$h" inns "$ns" python3 -c "import socket; socket.create_connection(('127.0.0.1',18000),1).close(); socket.create_connection(('127.0.0.1',15432),1).close()"
  if has_phase volume; then
    waitfor 20 "volume links on bot$h" inns "$ns" python3 -c "import socket; socket.create_connection(('127.0.0.1',18001),1).close(); socket.create_connection(('127.0.0.1',15433),1).close()"
  fi
done

# --- gateways (phase gateway): one per bot host, all on the one key ------------------------------
if has_phase gateway; then
  for h in "${HOSTS[@]}"; do
    cat >"$WORK/gateway-b$h.yaml" <<YAML
version: 1
endpoint:                                  # the exchange host, through this host's link emulator
  ws_public: ws://127.0.0.1:18000/ws/2
  rest_public: http://127.0.0.1:18000
keys:
  - name: shared
    api_key: \${TB_UPSTREAM_KEY}
    api_secret: \${TB_UPSTREAM_SECRET}
    nonce_store: {kind: postgres, url: "postgres://bfxkit@127.0.0.1:15432/bfxkit"}
rate_limits:
  rest_auth_per_minute: 10000
nonce:
  unknown_outcome_quarantine: ${DQUAR}s     # REST timeout 15 s + 3 s < the store's lock hold timeout 20 s
gateway:
  listen: 127.0.0.1:8766
  rest: {wait: 90s}
  accounts:
    - key: shared
      local_keys:
        - {name: bot$h, key: "\${TB_LOCAL_KEY}", secret: "\${TB_LOCAL_SECRET}", permissions: [read]}
metrics: {listen: 127.0.0.1:0}
YAML
    ip netns exec "${NSP}b$h" env TB_UPSTREAM_KEY=stress-key TB_UPSTREAM_SECRET=stress-secret TB_LOCAL_KEY="local-b$h" \
      TB_LOCAL_SECRET="local-secret-b$h" timeout --kill-after=5 "$BUDGET" "$BFXRUN" gateway "$WORK/gateway-b$h.yaml" \
      >"$WORK/gateway-b$h.log" 2>&1 &
    PIDS+=($!)
  done
  for h in "${HOSTS[@]}"; do
    waitfor 60 "the gateway on bot$h" inns "${NSP}b$h" python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8766/_gateway/state',timeout=2)"
  done
fi

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


# --- phases -------------------------------------------------------------------------------------
# bots PHASE URL-PORT PG-PORT PROCESSES TASKS CALLS [extra stress args...]: one `nonce stress` per bot
# host, all at once; waits for them. Reports land in $WORK/PHASE-b<h>.json.
bots() {
  local phase="$1" port="$2" pgport="$3" p="$4" t="$5" c="$6"; shift 6
  local pids=() h
  for h in "${HOSTS[@]}"; do
    ip netns exec "${NSP}b$h" timeout --kill-after=10 "$BUDGET" \
      "$BFXRUN" nonce stress --max-seconds "$BUDGET" --url "http://127.0.0.1:$port" --processes "$p" --tasks "$t" --calls "$c" --store "$STORE" \
      --postgres-url "postgres://bfxkit@127.0.0.1:$pgport/bfxkit" --json --progress 15 "$@" \
      >"$WORK/$phase-b$h.json" 2>"$WORK/$phase-b$h.err" &
    pids+=($!); PIDS+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
}
# phase NAME KEY-PATTERN EXPECT(clean|rejections) DESCRIPTION -- COMMAND...: runs COMMAND between two
# reads of the exchange's ledger and records the phase for the report.
phase() {
  local name="$1" keys="$2" expect="$3" desc="$4"; shift 5
  local a0 r0 o0 a1 r1 o1 t0 t1
  check_budget
  read -r a0 r0 o0 _ < <(simstate "$keys")
  echo "testbed: phase $name: $desc" >&2
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  read -r a1 r1 o1 _ < <(simstate "$keys")
  echo "$name|$expect|$((a1 - a0))|$((r1 - r0))|$((o1 - o0))|$(echo "$t1 - $t0" | bc)|$desc" >>"$WORK/phases.txt"
}
: >"$WORK/phases.txt"

run_direct() {
  local fpid=""
  if [ "$FAULTS" = 1 ] && [ "$STORE" = postgres ]; then faults & fpid=$!; PIDS+=($fpid); fi
  # REST timeout 15 s + quarantine 3 s stays below the PostgreSQL store's lock hold timeout (20 s).
  bots direct 18000 15432 "$P" "$T" "$C" --quarantine "$DQUAR"
  if [ -n "$fpid" ]; then wait "$fpid" || true; fi
}
run_gateway() {
  local h pid pids=()
  for h in "${HOSTS[@]}"; do
    # Local credentials of this host's gateway; the ledger is the simulator's, for the real key.
    ip netns exec "${NSP}b$h" env BFX_STRESS_API_SECRET="local-secret-b$h" timeout --kill-after=10 "$BUDGET" \
      "$BFXRUN" nonce stress --max-seconds "$BUDGET" --url http://127.0.0.1:8766 --api-key "local-b$h" --processes "$P" --tasks "$T" --calls "$GWC" \
      --store memory --ledger-url http://10.213.0.2:8000 --ledger-key stress-key --timeout 120 --json --progress 15 \
      >"$WORK/gateway-b$h.json" 2>"$WORK/gateway-b$h.err" &
    pids+=($!); PIDS+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
}
stall_bot1() {  # after 3 s, bot1's link to the exchange holds its bytes for $STALL s, then delivers them
  trap - EXIT INT TERM
  sleep 3
  touch "$WORK/stall-b1-ex"
  sleep "$STALL"
  rm -f "$WORK/stall-b1-ex"
}
run_late() {  # $1 = quarantine seconds
  local spid
  stall_bot1 & spid=$!; PIDS+=($spid)
  bots "late-q$1" 18000 15432 1 4 "${TB_LATE_CALLS:-12}" --timeout 2 --quarantine "$1"
  wait "$spid" || true
}
run_volume() {
  local h k pid pids=()
  for h in "${HOSTS[@]}"; do
    for k in $(seq "$VK"); do
      ip netns exec "${NSP}b$h" env BFX_STRESS_API_SECRET="vol-secret-$k" timeout --kill-after=10 "$BUDGET" \
        "$BFXRUN" nonce stress --max-seconds "$BUDGET" --url http://127.0.0.1:18001 --api-key "vol-key-$k" --tasks "$VT" --calls "$VC" --store "$STORE" \
        --postgres-url postgres://bfxkit@127.0.0.1:15433/bfxkit --json --progress 0 \
        >"$WORK/volume-b$h-k$k.json" 2>"$WORK/volume-b$h-k$k.err" &
      pids+=($!); PIDS+=($!)
    done
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
}

echo "testbed: mode $MODE, store $STORE, phases: $PHASES"
# The volume phase uses its own keys and links and no faults, so it runs alongside the gateway
# phase when both are asked for (the gateway's one key is latency-bound, the volume CPU-bound).
VOLUME_PID=""
volume_phase() {
  trap - EXIT INT TERM   # in the background: the main shell tears down
  phase volume 'vol-key-*' clean "volume: ${#HOSTS[@]} hosts × $VK keys (each shared by the three hosts) × $VT tasks × $VC calls, links $VMIN-$VMAX ms" -- run_volume
}
for ph in $PHASES; do
  if [ "$ph" = gateway ] && has_phase volume && [ -z "$VOLUME_PID" ]; then
    volume_phase & VOLUME_PID=$!; PIDS+=($VOLUME_PID)
  fi
  case "$ph" in
    direct)
      expect=clean; [ "$MODE" = memory ] && expect=rejections
      f=""; [ "$FAULTS" = 1 ] && [ "$STORE" = postgres ] && f=", faults"
      phase direct stress-key "$expect" "scenario 1: ${#HOSTS[@]} hosts × $P processes × $T tasks × $C calls, one key, links $MIN-$MAX ms$f" -- run_direct ;;
    gateway)
      phase gateway stress-key clean "scenario 2: ${#HOSTS[@]} hosts × $P processes × $T tasks × $GWC calls through one gateway per host, one key, links $MIN-$MAX ms" -- run_gateway ;;
    late)
      [ "$STORE" = postgres ] || continue
      phase late-q0 stress-key rejections "late delivery: bot1's exchange link held ${STALL} s, REST timeout 2 s, no quarantine" -- run_late 0
      phase "late-q$QUAR" stress-key clean "late delivery: bot1's exchange link held ${STALL} s, REST timeout 2 s, quarantine $QUAR s" -- run_late "$QUAR" ;;
    volume)
      [ -n "$VOLUME_PID" ] || volume_phase ;;
    *) die "unknown phase $ph" ;;
  esac
done
if [ -n "$VOLUME_PID" ]; then wait "$VOLUME_PID" || true; fi
check_budget

# --- report ------------------------------------------------------------------------------------
RC=0
python3 - "$WORK" "$MODE" "$STORE" "$FAULTLOG" <<'EOF' || RC=$?
import glob, json, os, sys
work, mode, store, faultlog = sys.argv[1:]
ok = True
results = []
faults = open(faultlog).read().strip() if os.path.exists(faultlog) else ""
for line in open(os.path.join(work, "phases.txt")).read().splitlines():
    name, expect, accepted, rejected, ooo, secs, desc = line.split("|", 6)
    accepted, rejected, ooo, secs = int(accepted), int(rejected), int(ooo), float(secs)
    succeeded = failed = total = client_rej = quarantined = 0
    errors = []
    for path in sorted(glob.glob(os.path.join(work, f"{name}-b*.json"))):
        tag = os.path.basename(path)[:-5]
        try:
            r = json.load(open(path))
        except Exception as e:
            errors.append(f"{tag}: no report ({e}); stderr: {open(path[:-5] + '.err').read()[-300:]}")
            continue
        succeeded += r["succeeded"]; failed += r["failed"]; total += r["total"]; client_rej += r["clientNonceRejections"]
        quarantined += sum(w.get("quarantined", 0) for w in r.get("workers", []))
        if r.get("firstError"): errors.append(f"{tag}: {r['firstError'][:200]}")
    print(f"testbed phase {name} ({desc}; store {store}):")
    print(f"  calls: {total} issued by clients, {succeeded} succeeded, {failed} failed with an error to the caller")
    print(f"  exchange ledger: accepted {accepted}, rejected {rejected}, out-of-order {ooo}")
    print(f"  {accepted / secs if secs > 0 else 0:.1f} accepted calls/s over {secs:.1f} s; "
          f"client-side nonce rejections {client_rej}; lane quarantines {quarantined}")
    if name == "direct" and faults:
        print("  faults:\n    " + faults.replace("\n", "\n    "))
    for e in errors[:4]: print("  first error " + e)
    bad = []
    if expect == "clean":
        if rejected or ooo: bad.append("the exchange rejected or saw out-of-order nonces")
        if succeeded > accepted: bad.append("clients counted more successes than the exchange accepted")
        if accepted == 0: bad.append("no call went through")
        if name == "direct" and "never" in faults: bad.append("calls did not resume after a fault")
    else:
        print("  (rejections expected here: they show the test bed sees the failure)")
        if rejected + ooo == 0: bad.append("no rejection where the test bed must show one")
    for b in bad: print(f"FAIL ({name}): {b}")
    ok = ok and not bad
    results.append({"phase": name, "description": desc, "total": total, "succeeded": succeeded, "failed": failed,
                    "accepted": accepted, "rejected": rejected, "outOfOrder": ooo, "seconds": secs,
                    "callsPerSecond": accepted / secs if secs else 0, "quarantined": quarantined})
signed = sum(r["accepted"] for r in results)
print(f"testbed total: {signed} signed calls accepted by the exchange across the three hosts")
json.dump({"mode": mode, "store": store, "phases": results, "accepted": signed, "faults": faults.splitlines()},
          open(os.path.join(work, "result.json"), "w"), indent=1)
sys.exit(0 if ok else 1)
EOF
[ -n "${TB_RESULT:-}" ] && cp "$WORK/result.json" "$TB_RESULT" 2>/dev/null || true
exit $RC
