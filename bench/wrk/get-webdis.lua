-- GET /GET/bench-N through webdis (Redis GET) for a uniformly random N in [0, keys).
-- Usage: wrk ... -s bench/wrk/get-webdis.lua URL -- [keys]
local keys = 10000

function init(args)
  keys = tonumber(args[1] or keys)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", "/GET/bench-" .. math.random(0, keys - 1))
end
