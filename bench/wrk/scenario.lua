-- One benchmark scenario for wrk, set by environment variables (bench/run.py sets them):
--   BENCH_AUTH      the Authorization header value, or empty for the unauthenticated yardsticks
--   BENCH_ID_RANGE  "first:last": GET /boards/<id> with ids spread evenly at random over the range;
--                   "first:last:step" takes every step-th id (a Galera node's ids step by the cluster size)
--   BENCH_BODY      a JSON body: the request is a POST of it to the URL's path
-- Otherwise every request is a GET of the URL's path and query (e.g. a deep page's cursor).
-- done() prints one JSON line that run.py reads.

local auth = os.getenv("BENCH_AUTH") or ""
local id_range = os.getenv("BENCH_ID_RANGE") or ""
local body = os.getenv("BENCH_BODY") or ""

if auth ~= "" then wrk.headers["Authorization"] = auth end
if body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

local first, last, step = id_range:match("^(%d+):(%d+):?(%d*)$")
if first then
  first, last, step = tonumber(first), tonumber(last), tonumber(step) or 1
  local counter = 0
  function setup(thread)
    counter = counter + 1
    thread:set("seed", counter)
  end
  function init(args)
    math.randomseed(os.time() * 1000 + (seed or 0))
  end
  function request()
    return wrk.format(nil, "/boards/" .. (first + step * math.random(0, math.floor((last - first) / step))))
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
