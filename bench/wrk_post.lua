-- wrk script that POSTs one prebuilt body again and again, keep-alive: the
-- DNC.com-compatible scrub (`POST /app/main/rpc/scrub`, a form with
-- phoneList=10,000 comma-separated numbers) in bench/run_benchmarks.sh.
-- Pass the path, the body file and its content type after --. Prints the
-- same WRK line as bench/wrk_check.lua.
-- Usage: wrk -t1 -c2 -d5s -s bench/wrk_post.lua http://127.0.0.1:PORT -- \
--          /app/main/rpc/scrub body.txt application/x-www-form-urlencoded
local request_bytes

function init(args)
  local path, body_file, content_type = args[1], args[2], args[3]
  if not (path and body_file and content_type) then
    error("wrk_post.lua: pass PATH BODY_FILE CONTENT_TYPE after --")
  end
  local f = assert(io.open(body_file, "rb"))
  local body = f:read("*a")
  f:close()
  request_bytes = wrk.format("POST", path,
                             {["Content-Type"] = content_type}, body)
end

function request()
  return request_bytes
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format(
    "WRK requests=%d duration_us=%d errors=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, errors,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
