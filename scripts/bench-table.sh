#!/usr/bin/env bash
# Turns `go test -bench` output into one table: benchmark, iterations, and
# every reported metric as "value unit". A log line printed while a
# benchmark runs can split its name from its figures; they are joined again.
set -euo pipefail
awk '
function row(name, start,   line, i) {
  sub(/-[0-9]+$/, "", name)
  line = sprintf("%-40s %10s", name, $start)
  for (i = start + 1; i + 1 <= NF; i += 2) line = line sprintf("  %12s %-12s", $i, $(i+1))
  rows[++n] = line
}
/^Benchmark/ {
  if ($2 ~ /^[0-9]+$/) { row($1, 2); pending = "" } else { pending = $1 }
  next
}
pending != "" && $1 ~ /^[0-9]+$/ { row(pending, 1); pending = ""; next }
/^(goos|goarch|cpu):/ { if (!seen[$0]++) info = info $0 "  " }
/^(FAIL|panic)/ { failed = 1; print }
END {
  print ""
  print info
  printf "%-40s %10s  %s\n", "benchmark", "runs", "figures"
  for (i = 1; i <= n; i++) print rows[i]
  if (failed) exit 1
}'
