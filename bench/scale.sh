#!/usr/bin/env bash
# Scale benchmark: generates plans of 10 000 and 100 000 services
# (examples/genplan.rs) and runs `reprise check` (load and validate),
# `reprise analyze --format json` (load, validate and the whole continuity
# analysis), one simulation of the generated scenario (priority-rule
# recovery) and 10 Monte Carlo runs of it (on the 10 000-service plan), reporting the median wall time
# over RUNS runs and the peak memory (max RSS), as measured by GNU time.
#
#   bench/scale.sh            # 5 runs each
#   RUNS=9 bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin reprise --example genplan
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
printf '%-10s %-8s %-10s %-14s %-12s %s\n' services files command "median wall" "peak RSS" "exit"
for n in 10000 100000; do
  ./target/release/examples/genplan "$n" "$work/plan-$n" 2>/dev/null
  files=$(ls "$work/plan-$n" | grep -vc '^scenario.yaml$')
  for command in check analyze simulate simulate-10; do
    case "$command" in
      check) args=(check "$work/plan-$n/plan.yaml") ;;
      analyze) args=(analyze "$work/plan-$n/plan.yaml" --format json) ;;
      simulate) args=(simulate "$work/plan-$n/scenario.yaml" --budget 1 --format json) ;;
      simulate-10) args=(simulate "$work/plan-$n/scenario.yaml" --runs 10 --budget 1 --format json) ;;
    esac
    # Simulating the 100 000-service plan takes about 4 minutes a run (see the
    # README): measured by hand, not in this loop.
    if [ "$n" = 100000 ] && [ "${command#simulate}" != "$command" ]; then
      continue
    fi
    walls=()
    peak=0
    for _ in $(seq "$RUNS"); do
      code=0
      /usr/bin/time -o "$work/time" -f '%e %M' ./target/release/reprise "${args[@]}" >/dev/null 2>&1 || code=$?
      read -r wall rss <"$work/time"
      walls+=("$wall")
      (( rss > peak )) && peak=$rss
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-10s %-8s %-10s %-14s %-12s %s\n' "$n" "$files" "$command" "${median} s" "$((peak / 1024)) MiB" "$code"
  done
done
