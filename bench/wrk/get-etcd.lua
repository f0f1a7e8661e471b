-- POST /v3/kv/range to etcd's HTTP gateway for key bench-N (base64 in a JSON body), a uniformly
-- random N in [0, keys): a linearizable read, etcd's default. Bodies are built once in init().
-- Usage: wrk ... -s bench/wrk/get-etcd.lua URL -- [keys]
local keys = 10000
local headers = { ["Content-Type"] = "application/json" }
local bodies = {}
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function char(i)
  return alphabet:sub(i + 1, i + 1)
end

local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local b1, b2, b3 = s:byte(i, i + 2)
    local n = b1 * 65536 + (b2 or 0) * 256 + (b3 or 0)
    out[#out + 1] = char(math.floor(n / 262144))
      .. char(math.floor(n / 4096) % 64)
      .. (b2 and char(math.floor(n / 64) % 64) or "=")
      .. (b3 and char(n % 64) or "=")
  end
  return table.concat(out)
end

function init(args)
  keys = tonumber(args[1] or keys)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  for n = 0, keys - 1 do
    bodies[n] = '{"key":"' .. base64("bench-" .. n) .. '"}'
  end
end

function request()
  return wrk.format("POST", "/v3/kv/range", headers, bodies[math.random(0, keys - 1)])
end
