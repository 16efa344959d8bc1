#!/usr/bin/env bash
# Runs the official Engine.IO v4, Socket.IO v5 and Engine.IO v3 protocol test
# suites (../shared/conformance/run.sh, beside the checkout) against
# cmd/tornadio-conformance, at each event loop count in turn, each
# CONFORMANCE_RUNS times; a loop count stops repeating at its first failed run.
# It prints the counts per loop count and fails if any run failed.
# `make conformance` runs it.
#
# env: CONFORMANCE_RUNS   runs per loop count (default 1)
#      CONFORMANCE_LOOPS  the loop counts (default "1 2 4")
#      CONFORMANCE_EDGE   how the server is reached: gnet (default), nethttp
#                         (through net/http) or serve (Serve on a listener)
#      CONFORMANCE_DIR    the runner's folder (default ../shared/conformance);
#                         when it is absent, one line says so and nothing runs
# The server listens on free loopback ports; it is ended when the script exits.
set -u
cd "$(dirname "$0")/.."
DIR=${CONFORMANCE_DIR:-../shared/conformance}
RUNS=${CONFORMANCE_RUNS:-1}
LOOPS=${CONFORMANCE_LOOPS:-1 2 4}
GO=${GO:-go}
EDGE=${CONFORMANCE_EDGE:-gnet}

if [ ! -x "$DIR/run.sh" ]; then
  echo "conformance: skipped ($DIR/run.sh not found)"
  exit 0
fi
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "conformance: $tool not found (the suites run on Node.js with mocha)"; exit 1; }
done

TMP=$(mktemp -d)
PID=
stop_server() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    PID=
  fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

$GO build -o "$TMP/server" ./cmd/tornadio-conformance || exit 1

# start_server LOOPS: starts the server on free ports and sets EIO4, EIO3 and
# SIO to its addresses once it prints them.
start_server() {
  : >"$TMP/addrs"
  "$TMP/server" -loops "$1" -edge "$EDGE" -addr 127.0.0.1:0 -eio3-addr 127.0.0.1:0 -sio-addr 127.0.0.1:0 \
    >"$TMP/addrs" 2>"$TMP/server.log" &
  PID=$!
  for _ in $(seq 100); do
    if [ "$(wc -l <"$TMP/addrs")" -ge 3 ]; then
      EIO4=$(awk '$1 == "eio4" { print $2 }' "$TMP/addrs")
      EIO3=$(awk '$1 == "eio3" { print $2 }' "$TMP/addrs")
      SIO=$(awk '$1 == "sio5" { print $2 }' "$TMP/addrs")
      return 0
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "conformance: the server did not start at $1 loops:"
  cat "$TMP/server.log"
  return 1
}

SUMMARY=()
FAILED=0
for loops in $LOOPS; do
  clean=0
  for run in $(seq "$RUNS"); do
    start_server "$loops" || exit 1
    echo "== $EDGE edge, $loops loop(s), run $run/$RUNS: eio4 $EIO4, eio3 $EIO3, sio5 $SIO"
    "$DIR/run.sh" --sio-addr "$SIO" --eio3-addr "$EIO3" "$EIO4" >"$TMP/run.log" 2>&1
    status=$?
    stop_server
    sed 's/^/   /' "$TMP/run.log"
    if [ "$status" -ne 0 ]; then
      if [ -s "$TMP/server.log" ]; then
        echo "   server log:"
        sed 's/^/     /' "$TMP/server.log"
      fi
      break
    fi
    clean=$((clean + 1))
  done
  # per suite: "eio4 13/25 sio5 27/32 eio3 14/23"
  counts=$(sed -nE 's/^\[([a-z0-9]+)\] against [^ ]+ ([0-9]+) passed, ([0-9]+) failed.*/\1 \2 \3/p' "$TMP/run.log" |
    awk '{ printf "%s%s %d/%d", (NR > 1 ? " " : ""), $1, $2, $2 + $3 }')
  if [ "$status" -ne 0 ]; then
    FAILED=1
    SUMMARY+=("$loops loop(s): run $run failed after $clean clean run(s): $(tail -n1 "$TMP/run.log") ($counts)")
  else
    SUMMARY+=("$loops loop(s): $clean/$RUNS run(s) clean: $(tail -n1 "$TMP/run.log") each ($counts)")
  fi
done
printf 'conformance: %s\n' "${SUMMARY[@]}"
exit "$FAILED"
