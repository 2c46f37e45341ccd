-- wrk script for Tests/Benchmarks/restore-points.sh: creates exactly a given number of restore points, then stops.
--
--   wrk ... -s put-restore-point.lua <url> -- <prefix> <total> <collections> <marker-dir> [resource-group]
--
-- The <total> creates are split evenly over the threads. Thread t names its restore points <prefix>-t<t>-<n> and
-- spreads them round-robin over the collections rpc1 … rpc<collections> of the resource group (default "bench"),
-- one collection per VM, so no VM gets two creates in a row from one thread. Once a thread has sent its share it
-- sends GET /_emulator/health instead (a 200; a create answers 201 or an error), and once every create it sent is
-- answered it touches <marker-dir>/done-<t> and stops. wrk's main thread sleeps for the whole -d duration whatever
-- its threads do, so the caller watches the markers and ends wrk with SIGINT when all threads are done.
-- done() prints one line the caller parses: "creates: sent=N created=N failed=N statuses=<status>x<count>,...".

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

local subscription = "00000000-0000-0000-0000-000000000001"
local prefix, total, collections, markers, group = "rp", 0, 1, nil, "bench"
local share, offset = 0, 0
-- Globals, not locals: done() reads them through thread:get().
sent, answered, created, failed = 0, 0, 0, 0
statuses = {}
local headers = {
  ["Authorization"] = "Bearer x",
  ["Content-Type"] = "application/json",
}
local body = "{}"
local health
-- wrk calls request() once on its first thread before the run, to check the request parses (script_verify_request),
-- and never sends that one: answer it with the health GET so no create is counted twice or lost.
local verified = false

function init(args)
  prefix = args[1] or prefix
  total = tonumber(args[2] or "0")
  collections = tonumber(args[3] or "1")
  markers = args[4]
  group = args[5] or group
  local n = tonumber(os.getenv("RP_THREADS") or "1")
  share = math.floor(total / n) + ((tid <= total % n) and 1 or 0)
  offset = (tid - 1) * 7919  -- threads start on different collections
  health = wrk.format("GET", "/_emulator/health")
end

function request()
  if not verified then
    verified = true
    if tid == 1 then return health end
  end
  if sent >= share then return health end
  sent = sent + 1
  local rpc = (offset + sent - 1) % collections + 1
  local path = "/subscriptions/" .. subscription .. "/resourceGroups/" .. group ..
    "/providers/Microsoft.Compute/restorePointCollections/rpc" .. rpc ..
    "/restorePoints/" .. prefix .. "-t" .. tid .. "-" .. sent .. "?api-version=2025-04-01"
  return wrk.format("PUT", path, headers, body)
end

function finish()
  if markers then
    local f = io.open(markers .. "/done-" .. tid, "w")
    if f then f:close() end
  end
  wrk.thread:stop()
end

function response(status, _, _)
  if status == 200 then
    if share == 0 then finish() end  -- nothing to create: stop at the first health answer
    return
  end
  answered = answered + 1
  if status == 201 then
    created = created + 1
  else
    failed = failed + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
  if answered == share then finish() end
end

function done(summary, _, _)
  local s, c, f, by = 0, 0, 0, {}
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    c = c + t:get("created")
    f = f + t:get("failed")
    for status, count in pairs(t:get("statuses")) do by[status] = (by[status] or 0) + count end
  end
  local list = {}
  for status, count in pairs(by) do table.insert(list, status .. "x" .. count) end
  io.write(string.format("creates: sent=%d created=%d failed=%d statuses=%s\n", s, c, f,
    #list > 0 and table.concat(list, ",") or "none"))
end
