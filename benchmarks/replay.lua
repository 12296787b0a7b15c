-- wrk script: replay prepared requests, each sent once, and count answers by status.
-- Usage: wrk -t T -c C -d D -s replay.lua URL -- REQUESTS_FILE T
-- REQUESTS_FILE has one request a line: path, content type, cookie, body (tab-separated).
-- Thread k sends lines k, k+T, k+2T...; a thread that runs out starts again and counts the
-- extra sends as "wrapped", so the harness can tell a replay from a fresh request. Redirects to
-- the thanks page are counted ("thanks"), and among them those saying "already received" ("again").
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  prepared, sent, wrapped, thanks, again, statuses = {}, 0, 0, 0, 0, {}
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
end

function done(summary, latency, requests)
  local totals, thanks_all, again_all, wrapped_all = {}, 0, 0, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    thanks_all = thanks_all + thread:get("thanks")
    again_all = again_all + thread:get("again")
    wrapped_all = wrapped_all + thread:get("wrapped")
  end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = string.format('"%d": %d', status, count) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "statuses": {%s}, ' ..
    '"thanks": %d, "again": %d, "wrapped": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(parts, ", "), thanks_all, again_all, wrapped_all, e.connect + e.read + e.write + e.timeout))
end
