#!/usr/bin/env bash
# pnpm bench:start [N] — how long the README's start command takes to answer,
# from launch to the first GET /healthz 200, on the embedded store in this
# checkout's ./data: N restarts (default 5) each through `npm start` (the
# README's), through `npx -y pnpm@10.34.9 start`, and through `pnpm start`
# when pnpm is on PATH, taken in turn (one of each, then again), so that the
# machine's drift falls on all of them alike. Each server is
# started in a process group of its own and stopped with SIGTERM to that group.
# Run it on a checkout that has started once already (the first start also
# creates the embedded store). Figures in milliseconds, in order; also written
# to bench/results/start-<time>.json, from which docs/bench/start-times.svg is drawn.
set -euo pipefail
cd "$(dirname "$0")/.."
# Run as a user would: without what an outer `pnpm bench:start` sets for its scripts.
for name in $(compgen -e | grep -iE '^(npm|pnpm)_' || true); do unset "$name"; done
runs=${1:-5}
port=${PORT:-3199}

# One restart of a command: milliseconds from launch to the first /healthz 200.
restart() {
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
  kill -TERM -- "-$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  echo $(((end - start) / 1000000))
}

# A start not counted: the first after a change of the code also rebuilds.
restart npm start > /dev/null
npm_times=() npx_times=() pnpm_times=() overhead=()
for _ in $(seq 1 "$runs"); do
  npm_times+=("$(restart npm start)")
  npx_times+=("$(restart npx -y pnpm@10.34.9 start)")
  if command -v pnpm > /dev/null; then pnpm_times+=("$(restart pnpm start)"); fi
  # What npx and pnpm take before any of this project's code runs.
  start=$(date +%s%N)
  npx -y pnpm@10.34.9 exec true
  overhead+=($((($(date +%s%N) - start) / 1000000)))
done
echo "npm start (the README's): ${npm_times[*]} ms"
echo "npx -y pnpm@10.34.9 start: ${npx_times[*]} ms"
if [ ${#pnpm_times[@]} -gt 0 ]; then echo "pnpm start: ${pnpm_times[*]} ms"; fi
echo "npx -y pnpm@10.34.9 exec true (npx and pnpm alone): ${overhead[*]} ms"

# The same figures for `pnpm bench:plots` (BENCHMARKS.md's restart chart), then the chart.
json_list() { local IFS=,; echo "[$*]"; }
mkdir -p bench/results
out="bench/results/start-$(date -u +%Y-%m-%dT%H-%M-%S).json"
{
  echo '{"times": {'
  echo "\"npm start (the README's)\": $(json_list "${npm_times[@]}"),"
  echo "\"npx -y pnpm@10.34.9 start\": $(json_list "${npx_times[@]}"),"
  if [ ${#pnpm_times[@]} -gt 0 ]; then echo "\"pnpm start\": $(json_list "${pnpm_times[@]}"),"; fi
  echo "\"npx and pnpm alone\": $(json_list "${overhead[@]}")"
  echo '}}'
} > "$out"
echo "results: $out"
node_modules/.bin/tsx bench/http/plots.ts
