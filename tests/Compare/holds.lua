-- wrk script for the holds scenario: a unique Idempotency-Key per request, quantity 1 to 4, one hot showtime.
-- Env: TOKEN (a supporter's access token), SHOWTIME (the showtime id), RUN (a prefix that makes keys unique per round).
local token, showtime, run = os.getenv("TOKEN"), os.getenv("SHOWTIME"), os.getenv("RUN") or tostring(os.time())
local counter, thread_id = 0, 0
local statuses = {}

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function init()
  math.randomseed(os.time() + thread_id)
  wrk.method = "POST"
  wrk.path = "/api/showtimes/" .. showtime .. "/ticket-types/GA/holds"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = run .. "-" .. thread_id .. "-" .. counter
  return wrk.format(nil, nil, nil, '{"quantity":' .. math.random(1, 4) .. '}')
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests))
end
