# Shared by tests/live/test_elector_*.sh (sourced, not a test itself).
#
# Puts the shell at the repository root, makes $TMP, and kills every process
# it started when the test ends, however it ends (trap). Short timings keep
# each test well under 30 s: LD 2s, RD 1.5s, RP 0.25s.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

LD=2s RD=1.5s RP=0.25s
LD_MS=2000 RP_MS=250
TIMING=(--lease-duration=$LD --renew-deadline=$RD --retry-period=$RP)

# The fake apiserver binary; FAKE_APISERVER overrides it (another build).
FA_BIN=${FAKE_APISERVER:-bin/fake-apiserver}

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  local f
  for f in "$TMP"/*.out "$TMP"/*.err; do
    [ -s "$f" ] || continue
    echo "--- last lines of $(basename "$f")"
    tail -n 15 "$f"
  done
  exit 1
}
skip() { echo "$*"; exit 77; }

need_bins() {
  [ -x bin/elector ] || fail "bin/elector is not built (make all builds it)"
  [ -x "$FA_BIN" ] ||
    skip "$FA_BIN is not built yet (fake-apiserver/cmd/fake-apiserver.c, another engineer's): cannot run elector live tests"
  command -v curl >/dev/null || skip "curl is not installed (ci/bootstrap installs it)"
}

# Has process PID ended (gone, or a zombie not yet waited for)?
exited() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null); [ -z "$s" ] || [ "${s:0:1}" = Z ]; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_until TIMEOUT_MS CMD...: poll every 50 ms; 0 when CMD succeeded.
wait_until() {
  local end=$(( $(now_ms) + $1 )); shift
  while :; do
    "$@" && return 0
    [ "$(now_ms)" -ge "$end" ] && return 1
    sleep 0.05
  done
}

# start_fake_apiserver NAME [flags...]: sets FA_ADDR (host:port as bound)
# and FA_PID. The server prints its bound address on stdout.
# With --tokens, --client-ca or --policy the server needs an --admin-token;
# one is added (FA_ADMIN_TOKEN) unless the flags give their own.
FA_ADMIN_TOKEN=${FA_ADMIN_TOKEN:-live-admin-$$}
fa_auth_flags() {
  local a auth=0
  for a in "$@"; do
    case $a in --admin-token*) return 0 ;; --tokens*|--client-ca*|--policy*) auth=1 ;; esac
  done
  [ "$auth" -eq 1 ] && echo "--admin-token=$FA_ADMIN_TOKEN"
  return 0
}

start_fake_apiserver() {
  local name=$1; shift
  local extra; extra=$(fa_auth_flags "$@")
 "$FA_BIN" --listen 127.0.0.1:0 "$@" $extra >"$TMP/$name.out" 2>"$TMP/$name.err" &
  FA_PID=$!
  PIDS+=("$FA_PID")
  wait_until 5000 grep -qsE '127\.0\.0\.1:[0-9]+' "$TMP/$name.out" ||
    fail "$name did not print its address (flags: $*)"
  FA_ADDR=$(grep -oE '127\.0\.0\.1:[0-9]+' "$TMP/$name.out" | head -n 1)
}

# kubeconfig FILE SERVER [user yaml lines...]
kubeconfig() {
  local file=$1 server=$2; shift 2
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "clusters:"
    echo "- name: fake"
    echo "  cluster:"
    echo "    server: $server"
    [ -n "${KC_CA:-}" ] && echo "    certificate-authority: $KC_CA"
    echo "users:"
    echo "- name: me"
    echo "  user:"
    if [ $# -gt 0 ]; then printf '    %s\n' "$@"; else echo "    {}"; fi
    echo "contexts:"
    echo "- name: fake"
    echo "  context: {cluster: fake, user: me}"
    echo "current-context: fake"
  } >"$file"
}

# start_elector ID [flags...]: JSON events on $TMP/ID.out, stderr on
# $TMP/ID.err; sets PID_<ID> and PORT_<ID> (its status server).
start_elector() {
  local id=$1; shift
  bin/elector --id="$id" --log-format=json --http=127.0.0.1:0 "$@" >"$TMP/$id.out" 2>"$TMP/$id.err" &
  local pid=$!
  PIDS+=("$pid")
  printf -v "PID_${id//-/_}" '%s' "$pid"
  wait_until 5000 grep -qs 'serving /, /healthz and /metrics on http://' "$TMP/$id.out" ||
    fail "elector $id did not start its status server"
  local port
  port=$(grep -o 'metrics on http://[0-9.]*:[0-9]*' "$TMP/$id.out" | head -n 1 | sed 's/.*://')
  printf -v "PORT_${id//-/_}" '%s' "$port"
}

pid_of() { local v="PID_${1//-/_}"; echo "${!v}"; }
port_of() { local v="PORT_${1//-/_}"; echo "${!v}"; }

# The name `/` of elector ID answers with ("" if none / unreachable).
name_at() {
  curl -s --max-time 1 "http://127.0.0.1:$(port_of "$1")/" | sed -n 's/^{"name":"\(.*\)"}$/\1/p'
}

# Is elector ID leading, by its /metrics?
leads() {
  curl -s --max-time 1 "http://127.0.0.1:$(port_of "$1")/metrics" |
    grep -q '^leader_election_master_status{name="[^"]*"} 1$'
}

# The electors among "$@" that lead right now, space-separated.
leaders() {
  local id out=()
  for id in "$@"; do leads "$id" && out+=("$id"); done
  echo "${out[*]:-}"
}

exactly_one_leads() { local l; l=$(leaders "$@"); [ -n "$l" ] && [ "${l// /}" = "$l" ]; }

# Do all of "$@" name the same, non-empty leader on `/`?
all_name() {
  local want=$1; shift
  local id
  for id in "$@"; do [ "$(name_at "$id")" = "$want" ] || return 1; done
}

# holder NAMESPACE NAME [KIND]: the lock holder as the fake apiserver has it.
# Uses FA_URL (default http://$FA_ADDR) and, when set, FA_TOKEN and
# FA_CACERT / FA_CERT / FA_KEY.
holder() {
  local ns=$1 name=$2 kind=${3:-leases} path args=(-s --max-time 1)
  case $kind in
    leases) path="/apis/coordination.k8s.io/v1/namespaces/$ns/leases/$name";;
    *) path="/api/v1/namespaces/$ns/$kind/$name";;
  esac
  [ -n "${FA_TOKEN:-}" ] && args+=(-H "Authorization: Bearer $FA_TOKEN")
  [ -n "${FA_CACERT:-}" ] && args+=(--cacert "$FA_CACERT")
  [ -n "${FA_CERT:-}" ] && args+=(--cert "$FA_CERT" --key "$FA_KEY")
  curl "${args[@]}" "${FA_URL:-http://$FA_ADDR}$path" |
    grep -o 'holderIdentity[\\"]*:[\\"]*[^"\\]*' | head -n 1 | sed 's/.*[:"]//'
}
