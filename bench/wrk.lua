-- wrk script of bench/http.py: rotates through a file of paths, optionally at a fixed request rate, and
-- prints its figures as one JSON line for Python to read.
--
--   wrk -t2 -c16 -d20s -s bench/wrk.lua http://127.0.0.1:8000 -- <paths file> <requests/s, 0 = unpaced> <threads>
--
-- wrk has no fixed-rate option (-R is wrk2's), so the delay() hook paces it: each thread hands out send
-- times on a schedule of rate/threads requests per second, and a connection that becomes free waits until
-- the next slot. When the server falls behind, slots that have passed are sent at once (the achieved
-- rate then shows the shortfall). wrk times a request from writing it to reading the whole response:
-- the wait in the server's accept queue is included, the wait for a slot in this schedule is not.

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

-- Main state: one entry per thread, so done() can add up their counters.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

-- Thread states.
local paths = {}
local position = 1
local interval_ms = 0
local thread_count = 1
local next_slot = nil
non2xx = 0
cached = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  local rate = tonumber(args[2] or "0")
  thread_count = tonumber(args[3] or "1")
  if rate > 0 then
    interval_ms = 1000 * thread_count / rate
  end
  -- Threads start at different points of the rotation, so they do not ask for the same page together.
  position = 1 + math.floor((id - 1) * #paths / thread_count) % #paths
end

function request()
  local path = paths[position]
  position = position % #paths + 1
  return wrk.format("GET", path)
end

function delay()
  if interval_ms == 0 then
    return 0
  end
  local now = now_ms()
  if next_slot == nil then
    -- Stagger the threads within one interval instead of starting them all at once.
    next_slot = now + interval_ms * (id - 1) / thread_count
  end
  local wait = next_slot - now
  next_slot = next_slot + interval_ms
  if wait < 0 then
    return 0
  end
  return math.floor(wait + 0.5)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  -- A page served from Django's cache carries its age; one rendered for this request has no Age header.
  if headers["Age"] or headers["age"] then
    cached = cached + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total, cached_total = 0, 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
    cached_total = cached_total + (thread:get("cached") or 0)
  end
  local errors = summary.errors
  print(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "latency_us": {"p50": %d, "p90": %d, '
      .. '"p95": %d, "p99": %d, "max": %d, "mean": %.1f}, "errors": {"connect": %d, "read": %d, "write": %d, '
      .. '"timeout": %d, "status": %d}, "non2xx": %d, "cached": %d}',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status, non2xx_total, cached_total
  ))
end
