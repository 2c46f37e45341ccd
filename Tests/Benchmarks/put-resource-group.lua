-- wrk script for Tests/Benchmarks/foundation.sh: one PUT of a new resource group per request.
-- Names are unique across threads and runs: <prefix>-t<thread>-<counter>, where the prefix comes from the
-- command line (`wrk ... -s put-resource-group.lua <url> -- <prefix>`) and the thread number from setup().
-- Each request is built in request() (no wrk.format cache), so every PUT creates a new row.

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

local prefix = "bench"
local subscription = "00000000-0000-0000-0000-000000000001"
local counter = 0
local headers = {
  ["Authorization"] = "Bearer x",
  ["Content-Type"] = "application/json",
}
local body = '{"location":"eastus"}'

function init(args)
  if args[1] then prefix = args[1] end
end

function request()
  counter = counter + 1
  local path = "/subscriptions/" .. subscription .. "/resourceGroups/" .. prefix .. "-t" .. tostring(tid) ..
    "-" .. tostring(counter) .. "?api-version=2024-11-01"
  return wrk.format("PUT", path, headers, body)
end
