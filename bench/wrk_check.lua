-- wrk script for dnc-server's HTTP front end: keep-alive GET /v1/check with
-- a different number on every request, read from a file of 10-digit numbers
-- (`dnc-bench numbers --queries FILE > numbers.txt`). Each wrk thread starts
-- at its own offset. At the end it prints one line that
-- bench/run_benchmarks.sh turns into a RESULT line:
--   WRK requests=N duration_us=D errors=E p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..
-- Usage: wrk -t1 -c8 -d5s -s bench/wrk_check.lua http://127.0.0.1:PORT -- numbers.txt
local numbers = {}
local next_index = 1
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1] or error("wrk_check.lua: pass the numbers file after --")
  for line in io.lines(path) do
    numbers[#numbers + 1] = line
  end
  if #numbers == 0 then error("wrk_check.lua: no numbers in " .. path) end
  next_index = (id * 7919) % #numbers + 1
end

function request()
  local number = numbers[next_index]
  next_index = next_index % #numbers + 1
  return wrk.format("GET", "/v1/check?phone=" .. number)
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
