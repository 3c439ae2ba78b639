# Reads wrk --latency output; prints "requests/s|p50 ms|p99 ms|errors" (errors: non-2xx
# answers plus socket errors).
function ms(v) {
  if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
  if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
  if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
  return v
}
$1 == "50%" { p50 = ms($2) }
$1 == "99%" { p99 = ms($2) }
$1 == "Requests/sec:" { rps = $2 }
/Non-2xx or 3xx responses:/ { errors += $NF }
/Socket errors:/ { for (i = 3; i <= NF; i++) { gsub(",", "", $i); if ($i ~ /^[0-9]+$/) errors += $i } }
END { printf "%.0f|%.3f|%.3f|%d\n", rps, p50, p99, errors }
