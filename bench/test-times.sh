#!/usr/bin/env bash
# Time a test command, optionally under synthetic CPU load, and record it in bench/results/test-times.md.
#
#   bash bench/test-times.sh [--busy N] -- <command…>
#
#   --busy N   start N busy processes (one spinning shell loop each) for the duration of the command,
#              e.g. --busy 2 on a 2-core machine: the suite then gets about a third of the CPU.
#
#   npm run test:load        = bash bench/test-times.sh --busy 2 -- npm run test:browser
#   bash bench/test-times.sh -- npm run test:fast          (quiet, or as busy as the machine is)
#   bash bench/test-times.sh --busy 2 -- npm test
#
# Each run appends one row: when, the command, the busy processes, exit code, wall time and the
# load averages (`uptime`) before and after. The exit code is the command's.
set -uo pipefail
cd "$(dirname "$0")/.."

busy=0
while [ $# -gt 0 ]; do
  case "$1" in
    --busy) busy="$2"; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  echo "usage: bash bench/test-times.sh [--busy N] -- <command…>" >&2
  exit 2
fi

pids=()
stop_busy() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  pids=()
}
trap stop_busy EXIT INT TERM
for _ in $(seq 1 "$busy"); do
  sh -c 'while :; do :; done' &
  pids+=("$!")
done

load() { uptime | sed 's/.*load average: //'; }
before="$(load)"
start=$(date +%s.%N)
"$@"
code=$?
end=$(date +%s.%N)
after="$(load)"
stop_busy

wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
out=bench/results/test-times.md
if [ ! -f "$out" ]; then
  cat > "$out" <<'HEAD'
# Test suite times

Written by `bench/test-times.sh` (one row per run). "Busy" is the number of synthetic busy processes
the script added; the load averages (1, 5, 15 min, from `uptime`) show how busy the machine was
anyway. The machine: 2 cores, shared with other work.

| when (UTC) | command | busy | exit | wall | load before | load after | commit |
|---|---|---|---|---|---|---|---|
HEAD
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
printf '| %s | `%s` | %s | %s | %s s (%dm%02ds) | %s | %s | %s |\n' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$*" "$busy" "$code" "$wall" $((wall / 60)) $((wall % 60)) "$before" "$after" "$commit" >> "$out"
echo "[test-times] $* → exit $code in ${wall} s with $busy busy processes (load before: $before; after: $after) — recorded in $out"
exit "$code"
