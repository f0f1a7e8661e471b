-- PUT /kv/bench-N with a JSON document of about 1 KB (an order with 8 line items, the shape
-- io.pxkv.bench.scenarios.JsonDocuments preloads) for a uniformly random N in [0, keys): the
-- write path when values are large enough to be deflated.
-- Usage: wrk ... -s bench/wrk/put-doc-kv.lua URL -- [keys]
local keys = 10000
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  keys = tonumber(args[1] or keys)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

local function document(n)
  local items = {}
  for i = 0, 7 do
    items[#items + 1] = '{"sku":"SKU-' .. (n * 31 + i) % 100000 .. '","name":"item ' .. i
      .. ' of order ' .. n .. '","qty":' .. (n + i) % 7 + 1 .. ',"price":' .. (n * 7 + i) % 500
      .. '.25,"status":"shipped","warehouse":"eu-west-' .. i % 3 .. '"}'
  end
  return '{"id":' .. n .. ',"customer":{"id":"customer-' .. n % 997 .. '","email":"customer-'
    .. n % 997 .. '@example.com","tier":"gold","country":"DE"},"currency":"EUR",'
    .. '"createdAt":"2026-12-05T03:00:00Z","items":[' .. table.concat(items, ",") .. ']}'
end

function request()
  local n = math.random(0, keys - 1)
  return wrk.format("PUT", "/kv/bench-" .. n, headers, document(n))
end
