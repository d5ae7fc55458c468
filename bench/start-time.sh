#!/usr/bin/env bash
# pnpm bench:start [N] — how long the README's start command takes to answer,
# from launch to the first GET /healthz 200, on the embedded store in this
# checkout's ./data: N restarts (default 5) through `npx -y pnpm@10.34.9 start`,
# and as many through `pnpm start` when pnpm is on PATH. Each server is
# started in a process group of its own and stopped with SIGTERM to that group.
# Run it on a checkout that has started once already (the first start also
# creates the embedded store). Figures in milliseconds, in order.
set -euo pipefail
cd "$(dirname "$0")/.."
# Run as a user would: without what an outer `pnpm bench:start` sets for its scripts.
for name in $(compgen -e | grep -iE '^(npm|pnpm)_' || true); do unset "$name"; done
runs=${1:-5}
port=${PORT:-3199}

measure() {
  local label=$1; shift
  local times=()
  for _ in $(seq 1 "$runs"); do
    local start end pid
    start=$(date +%s%N)
    PORT=$port setsid "$@" > /tmp/exam-start-time.log 2>&1 &
    pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; do
      if ! kill -0 "$pid" 2> /dev/null; then
        echo "the server exited before answering:" >&2
        tail -5 /tmp/exam-start-time.log >&2
        exit 1
      fi
      sleep 0.05
    done
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
    kill -TERM -- "-$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  done
  echo "$label: ${times[*]} ms"
}

measure "npx -y pnpm@10.34.9 start" npx -y pnpm@10.34.9 start
if command -v pnpm > /dev/null; then measure "pnpm start" pnpm start; fi
# What npx and pnpm take before any of this project's code runs.
overhead=()
for _ in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  npx -y pnpm@10.34.9 exec true
  overhead+=($((($(date +%s%N) - start) / 1000000)))
done
echo "npx -y pnpm@10.34.9 exec true (npx and pnpm alone): ${overhead[*]} ms"
