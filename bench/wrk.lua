-- wrk script for bench/load.sh: requests WRK_PATH, with "{id}" replaced by
-- a random line of the file WRK_IDS when given, and prints one machine-read
-- line: requests/s, p99 in ms, non-2xx answers, socket errors.
local path = os.getenv("WRK_PATH") or "/"
local ids = {}

init = function(args)
  local f = os.getenv("WRK_IDS")
  if f and f ~= "" then
    for line in io.lines(f) do
      if line ~= "" then ids[#ids + 1] = line end
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

request = function()
  local p = path
  if #ids > 0 then
    p = string.gsub(path, "{id}", ids[math.random(#ids)])
  end
  return wrk.format(nil, p)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRKRESULT %.1f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
