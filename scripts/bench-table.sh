#!/usr/bin/env bash
# Turns `go test -bench` output into one table: benchmark, iterations, and
# every reported metric as "value unit".
set -euo pipefail
awk '
/^Benchmark/ {
  name = $1; sub(/-[0-9]+$/, "", name)
  line = sprintf("%-36s %10s", name, $2)
  for (i = 3; i + 1 <= NF; i += 2) line = line sprintf("  %14s %-12s", $i, $(i+1))
  rows[++n] = line
}
/^(goos|goarch|cpu):/ { if (!seen[$0]++) info = info $0 "  " }
/^(FAIL|panic)/ { failed = 1; print }
END {
  print ""
  print info
  printf "%-36s %10s  %s\n", "benchmark", "runs", "figures"
  for (i = 1; i <= n; i++) print rows[i]
  if (failed) exit 1
}'
