-- wrk script: replay prepared requests, each sent once, and count answers by status.
-- Usage: wrk -t T -c C -d D -s replay.lua URL -- REQUESTS_FILE T MODE
-- REQUESTS_FILE has one request a line: path, content type, cookie, body (tab-separated).
-- Thread k sends lines k, k+T, k+2T... In MODE "wrap" a thread that runs out starts again and
-- counts the extra sends as "wrapped"; in MODE "once" it stops, for requests that must never be
-- replayed (a session cookie sent twice is a re-send, not a new response). Throughput is counted
-- over the threads' own window (first request to last answer), since wrk's summary always spans -d. Redirects to
-- the thanks page are counted ("thanks"), and among them those saying "already received" ("again").
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, timespec)  -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  once = args[3] == "once"
  prepared, sent, wrapped, thanks, again, statuses = {}, 0, 0, 0, 0, {}
  first, last = 0, 0
  local line_no = 0
  for line in io.lines(file) do
    if line_no % nthreads == tid then
      local path, ctype, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {["Content-Type"] = ctype}
      if cookie ~= "" then headers["Cookie"] = cookie end
      prepared[#prepared + 1] = wrk.format("POST", path, headers, body)
    end
    line_no = line_no + 1
  end
end

function request()
  if sent == 0 then first = now() end
  sent = sent + 1
  if sent > #prepared then wrapped = wrapped + 1 end
  return prepared[(sent - 1) % #prepared + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local location = headers["Location"] or headers["location"]
  if location and location:find("/thanks", 1, true) then
    thanks = thanks + 1
    if location:find("again=1", 1, true) then again = again + 1 end
  end
  last = now()
  if once and sent >= #prepared then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local totals, thanks_all, again_all, wrapped_all = {}, 0, 0, 0
  local started, ended = math.huge, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    thanks_all = thanks_all + thread:get("thanks")
    again_all = again_all + thread:get("again")
    wrapped_all = wrapped_all + thread:get("wrapped")
    if thread:get("first") > 0 then started = math.min(started, thread:get("first")) end
    ended = math.max(ended, thread:get("last"))
  end
  local answered = 0
  for _, count in pairs(totals) do answered = answered + count end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = string.format('"%d": %d', status, count) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "statuses": {%s}, ' ..
    '"thanks": %d, "again": %d, "wrapped": %d, "socket_errors": %d}\n',
    answered, math.max(ended - started, 1e-6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(parts, ", "), thanks_all, again_all, wrapped_all, e.connect + e.read + e.write + e.timeout))
end
