-- wrk's `done` for the scripts here: the figures the benchmark needs as one JSON line
-- (latencies in microseconds). A script takes it with
--   done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
return function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "mean_us": %.1f, "stdev_us": %.1f, "p50_us": %d, '
      .. '"p95_us": %d, "p99_us": %d, "max_us": %d, "status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency.mean, latency.stdev, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
