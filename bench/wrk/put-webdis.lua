-- PUT /SET/bench-N through webdis (Redis SET, value taken from the body) with the same JSON
-- value bytes the px-kvstore PUT sends, for a uniformly random N in [0, keys).
-- Usage: wrk ... -s bench/wrk/put-webdis.lua URL -- [keys]
local keys = 10000
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  keys = tonumber(args[1] or keys)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local n = math.random(0, keys - 1)
  return wrk.format("PUT", "/SET/bench-" .. n, headers, '{"n":' .. n .. ',"s":"bench-value"}')
end
