-- GET /kv?key=bench-N for a uniformly random N in [0, keys): the px-kvstore read path.
-- Also sent as-is to the bare server and the bare proxy chain, so every target sees the same
-- request bytes and wrk spends the same work building them.
-- Usage: wrk ... -s bench/wrk/get-kv.lua URL -- [keys]
local keys = 10000

function init(args)
  keys = tonumber(args[1] or keys)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", "/kv?key=bench-" .. math.random(0, keys - 1))
end
