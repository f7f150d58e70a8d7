-- wrk script for bench/load.sh: requests WRK_PATH, with "{id}" replaced by
-- a random line of the file WRK_IDS when given, and prints one machine-read
-- line: requests/s, p99 in ms, non-2xx answers, socket errors, and how
-- often a WRK_ONCE share ran out.
--
-- WRK_ONCE=1 asks each line at most once instead: the file is cut into
-- WRK_PARTS parts (one a round), part WRK_PART is shared out among wrk's
-- threads, and each thread asks its share in order, so no two requests of
-- one run (nor of two rounds) ask the same line unless a share runs out.
local path = os.getenv("WRK_PATH") or "/"
local ids = {}
local once = os.getenv("WRK_ONCE") == "1"
local from, to, next_line = 1, 0, 1
local threads = {}

setup = function(thread)
  thread:set("tid", #threads + 1)
  threads[#threads + 1] = thread
end

init = function(args)
  local f = os.getenv("WRK_IDS")
  if f and f ~= "" then
    for line in io.lines(f) do
      if line ~= "" then ids[#ids + 1] = line end
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tid or 0) * 7919)
  if once and #ids > 0 then
    local parts = tonumber(os.getenv("WRK_PARTS") or "1")
    local part = tonumber(os.getenv("WRK_PART") or "1")
    local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
    local per_part = math.floor(#ids / parts)
    local share = math.floor(per_part / nthreads)
    from = (part - 1) * per_part + ((tid or 1) - 1) * share + 1
    to = from + share - 1
    next_line = from
  end
end

request = function()
  local p = path
  if #ids > 0 then
    local id
    if once then
      id = ids[next_line]
      next_line = next_line + 1
      if next_line > to then next_line = from; repeats = (repeats or 0) + 1 end
    else
      id = ids[math.random(#ids)]
    end
    p = string.gsub(path, "{id}", id)
  end
  return wrk.format(nil, p)
end

done = function(summary, latency, requests)
  local e = summary.errors
  local wrapped = 0 -- threads whose share ran out and began again
  for _, t in ipairs(threads) do wrapped = wrapped + (t:get("repeats") or 0) end
  io.write(string.format("WRKRESULT %.1f %.2f %d %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, wrapped))
end
