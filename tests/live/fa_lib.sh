# Shared by tests/live/test_fa_*.sh (sourced, not a test itself): start
# bin/fake-apiserver on 127.0.0.1:0, read the address it prints, and make
# sure everything started here is killed when the test exits, pass or fail.
#   fa_start NAME [flags...]   starts a server; sets FA_ADDR, FA_PID, FA_URL
#   fa_stop                    SIGTERM, wait; fails the test on a bad exit
#   fa_need_helper             builds build/live/fa_load if it is missing
#   fa_kubeconfig FILE URL     writes a kubeconfig for URL (no credentials,
#                              namespace default) to FILE
#   fail MSG                   prints MSG and exits 1
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
FA_BIN=${FAKE_APISERVER:-bin/fake-apiserver}  # FAKE_APISERVER: another build (ASan)
FA_LOAD=build/live/fa_load
FA_TMP=$(mktemp -d /tmp/leaselab-fa.XXXXXX)
FA_PIDS=()

fa_cleanup() {
	local p
	for p in "${FA_PIDS[@]:-}"; do
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$FA_TMP"
}
trap fa_cleanup EXIT

fail() {
	echo "FAIL: $*"
	for f in "$FA_TMP"/*.err; do
		[ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }
	done
	exit 1
}

[ -x "$FA_BIN" ] || fail "$FA_BIN is not built (make all)"

fa_need_helper() {
	[ -x "$FA_LOAD" ] || make -s "$FA_LOAD" >/dev/null 2>&1 || fail "cannot build $FA_LOAD"
}

fa_kubeconfig() {
	cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: fa
  cluster:
    server: $2
contexts:
- name: fa
  context:
    cluster: fa
    user: fa
    namespace: default
current-context: fa
users:
- name: fa
  user: {}
KC
}

# With --tokens, --client-ca or --policy the server needs an --admin-token;
# fa_start adds one (FA_ADMIN_TOKEN, for the admin calls) unless the flags
# give their own.
FA_ADMIN_TOKEN=${FA_ADMIN_TOKEN:-live-admin-$$}
fa_auth_flags() {
	local a auth=0
	for a in "$@"; do
		case $a in --admin-token*) return 0 ;; --tokens*|--client-ca*|--policy*) auth=1 ;; esac
	done
	[ "$auth" -eq 1 ] && echo "--admin-token=$FA_ADMIN_TOKEN"
	return 0
}

# fa_start NAME [flags...]
fa_start() {
	local name=$1
	shift
	: >"$FA_TMP/$name.out"
	local extra
	extra=$(fa_auth_flags "$@")
	"$FA_BIN" --listen 127.0.0.1:0 "$@" $extra >"$FA_TMP/$name.out" 2>>"$FA_TMP/$name.err" &
	FA_PID=$!
	FA_PIDS+=("$FA_PID")
	local i line=""
	for i in $(seq 1 500); do
		line=$(head -n 1 "$FA_TMP/$name.out" 2>/dev/null)
		[ -n "$line" ] && break
		kill -0 "$FA_PID" 2>/dev/null || fail "$name exited at start: $(tail -n 3 "$FA_TMP/$name.err")"
		sleep 0.01
	done
	FA_URL=${line#listening on }
	FA_ADDR=${FA_URL#*://}
	[[ "$FA_ADDR" =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "$name printed \"$line\", not its address"
}

fa_stop() {
	kill -TERM "$FA_PID" 2>/dev/null
	local rc=0
	wait "$FA_PID" || rc=$?
	[ "$rc" -eq 0 ] || fail "fake-apiserver exited $rc after SIGTERM"
}
