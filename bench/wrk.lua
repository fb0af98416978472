-- wrk script for the Shortlist throughput scenarios.
--
-- Environment (set by bench.py):
--   BENCH_MODE       scoresheet | vacancy | evaluation | live
--   BENCH_TOKEN      bearer token
--   BENCH_K          vacancy index used in the generated application ids
--   BENCH_N          number of applications of that vacancy
--   BENCH_VACANCY    vacancy id
--   BENCH_CRITERIA   comma-separated criterion ids (scoresheet mode)
--
-- Every request names a random application (ids are uuid-shaped functions of (k, i),
-- see gen.py). done() prints one JSON line with the counts and latency percentiles.

local mode = os.getenv("BENCH_MODE")
local token = os.getenv("BENCH_TOKEN")
local k = tonumber(os.getenv("BENCH_K") or "1")
local n = tonumber(os.getenv("BENCH_N") or "1")
local vacancy = os.getenv("BENCH_VACANCY")

local headers = { ["Authorization"] = "Bearer " .. token }
local body = nil

if mode == "scoresheet" then
  headers["Content-Type"] = "application/json"
  local parts = {}
  local j = 0
  for cid in string.gmatch(os.getenv("BENCH_CRITERIA"), "[^,]+") do
    parts[#parts + 1] = string.format('{"criterion_id":"%s","score":%d}', cid, j % 4)
    j = j + 1
  end
  body = '{"method":"application","scores":[' .. table.concat(parts, ",") .. ']}'
end

local function app_id(i)
  return string.format("%08d-0000-4000-8000-%012d", k, i)
end

-- Each wrk thread runs this file in its own Lua state; seed per thread.
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)

local bad = 0
-- Scoresheets go to applications in turn (1, 2, ... n, 1, ...), not at random: two
-- in-flight submissions by the same assessor for the same application race (both
-- DELETE nothing, both INSERT) and the loser gets a 409, which is not what this
-- scenario measures. With -t1 every connection shares this counter.
local next_app = 0

-- The load generator shares the server's two cores, so it should cost as little as
-- pgbench's client does: the by-id reads build their requests once (a fixed vacancy
-- request is wrk's static request, no Lua per request at all) and only the scoresheet
-- mode, which must tell 409s apart, reads responses in Lua. Non-2xx answers are still
-- counted by wrk itself (summary.errors.status) and fail the scenario in bench.py.
if mode == "scoresheet" then
  request = function()
    next_app = next_app % n + 1
    local path = "/api/v1/applications/" .. app_id(next_app) .. "/scoresheets"
    return wrk.format("POST", path, headers, body)
  end
elseif mode == "evaluation" then
  local prepared = {}
  -- Built in init, once wrk has set the Host header that wrk.format adds.
  init = function(args)
    for i = 1, n do
      prepared[i] = wrk.format("GET", "/api/v1/applications/" .. app_id(i) .. "/evaluation", headers, nil)
    end
  end
  request = function()
    return prepared[math.random(1, n)]
  end
elseif mode == "live" then
  -- The HTTP stack alone (no token, no database): the ceiling scenario 4 is read against.
  wrk.method = "GET"
  wrk.path = "/health/live"
else
  wrk.method = "GET"
  wrk.path = "/api/v1/vacancies/" .. vacancy
  wrk.headers["Authorization"] = headers["Authorization"]
end

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end

conflicts = 0
if mode == "scoresheet" then
  response = function(status, hdrs, resp_body)
    if status == 409 then
      -- Counted apart (see above); bench.py reports them and tolerates at most 1%.
      conflicts = conflicts + 1
    end
    if status ~= 200 then
      bad = bad + 1
      if bad <= 3 then
        io.stderr:write("wrk.lua: HTTP " .. status .. ": " .. string.sub(resp_body or "", 1, 300) .. "\n")
      end
    end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local c = 0
  for _, t in ipairs(threads) do
    c = c + (tonumber(t:get("conflicts")) or 0)
  end
  io.write(string.format(
    'WRK_JSON {"conflicts":%d,"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    c, summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.mean))
end
