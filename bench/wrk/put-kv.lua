-- PUT /kv/bench-N with a small JSON value (the shape the preloader writes) for a uniformly
-- random N in [0, keys): the px-kvstore write path. Also sent to the bare server and chain.
-- Usage: wrk ... -s bench/wrk/put-kv.lua URL -- [keys]
local keys = 10000
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  keys = tonumber(args[1] or keys)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local n = math.random(0, keys - 1)
  return wrk.format("PUT", "/kv/bench-" .. n, headers, '{"n":' .. n .. ',"s":"bench-value"}')
end
