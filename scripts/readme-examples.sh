#!/usr/bin/env bash
# Runs the README's curl examples against a running cluster and checks each answer against
# CONTRACT.md: status, error code and body. Usage: scripts/readme-examples.sh [BASE_URL]
# (default http://localhost:8080). Exits non-zero on the first mismatch.
set -euo pipefail

base="${1:-http://localhost:8080}"
key="readme-$$-$RANDOM"
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }

# call METHOD PATH [BODY] -> sets $status and $body
call() {
  local method="$1" path="$2" data="${3-}"
  local out
  if [[ -n "$data" ]]; then
    out=$(curl -sS -m 10 -w '\n%{http_code} %{content_type}' -X "$method" "$base$path" \
      -H 'Content-Type: application/json' -d "$data")
  else
    out=$(curl -sS -m 10 -w '\n%{http_code} %{content_type}' -X "$method" "$base$path")
  fi
  body="${out%$'\n'*}"
  local tail="${out##*$'\n'}"
  status="${tail%% *}"
  ctype="${tail#* }"
}

expect() { # STATUS JQ_FILTER EXPECTED
  local want_status="$1" filter="$2" want="$3"
  [[ "$status" == "$want_status" ]] || fail "expected $want_status, got $status: $body"
  [[ "$ctype" == application/json* ]] || fail "expected application/json, got '$ctype'"
  local got
  got=$(jq -c "$filter" <<<"$body") || fail "not JSON: $body"
  [[ "$got" == "$want" ]] || fail "expected $filter == $want, got $got in $body"
  checks=$((checks + 1))
}

# PUT a new key: 201 with key, value and a version
call PUT /kv "{\"key\":\"$key\",\"value\":{\"name\":\"Ada\"}}"
expect 201 '[.key, .value, (.version|type)]' "[\"$key\",{\"name\":\"Ada\"},\"number\"]"
v1=$(jq .version <<<"$body")

# read it back
call GET "/kv?key=$key"
expect 200 '[.key, .value, .version]' "[\"$key\",{\"name\":\"Ada\"},$v1]"

# replace: 200 and a larger version
call PUT /kv "{\"key\":\"$key\",\"value\":[1,2,3]}"
expect 200 ".version > $v1" 'true'

# the whole-cluster listing contains it
call GET /kv
expect 200 ".[\"$key\"]" '[1,2,3]'

# paging with a prefix finds it exactly once
call GET "/kv?prefix=$key&limit=10"
expect 200 '[.items[].key]' "[\"$key\"]"

# delete, then it is gone
call DELETE /kv "{\"key\":\"$key\"}"
expect 200 '[.key, .deleted]' "[\"$key\",true]"
call GET "/kv?key=$key"
expect 404 '.error' '"not_found"'
call DELETE /kv "{\"key\":\"$key\"}"
expect 404 '.error' '"not_found"'

# path-style calls, with a key that needs encoding
call PUT "/kv/$key%20en%2Fx" '"hello"'
expect 201 '[.key, .value]' "[\"$key en/x\",\"hello\"]"
call GET "/kv/$key%20en%2Fx"
expect 200 '.value' '"hello"'
call DELETE "/kv/$key%20en%2Fx"
expect 200 '.deleted' 'true'

# a key with a ttl: the answers carry expiresAt; a PUT without ttl makes it permanent again
call PUT "/kv/$key-ttl?ttl=3600" '{"user":"Ada"}'
expect 201 '[.value, (.expiresAt|type)]' '[{"user":"Ada"},"string"]'
call PUT /kv "{\"key\":\"$key-ttl2\",\"value\":1,\"ttl\":60}"
expect 201 '(.expiresAt|type)' '"string"'
call GET "/kv/$key-ttl"
expect 200 '(.expiresAt|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$"))' 'true'
call PUT "/kv/$key-ttl" '2'
expect 200 '.expiresAt' 'null'
call PUT "/kv/$key-ttl?ttl=0" '1'
expect 400 '.error' '"invalid_request"'
call DELETE "/kv/$key-ttl"
expect 200 '.deleted' 'true'
call DELETE "/kv/$key-ttl2"
expect 200 '.deleted' 'true'

# errors are JSON with a code
call PUT /kv '{"key":"","value":1}'
expect 400 '.error' '"invalid_key"'
call PUT /kv '{"key":"k"}'
expect 400 '.error' '"missing_value"'
call PUT /kv '{"key":'
expect 400 '.error' '"invalid_json"'
call GET '/kv?key='
expect 400 '.error' '"invalid_key"'
call POST /kv '{"key":"k","value":1}'
expect 405 '.error' '"method_not_allowed"'
call GET '/kv?limit=0'
expect 400 '.error' '"invalid_limit"'

# health
call GET /health
expect 200 '.status' '"ok"'

echo "readme examples: $checks passed, 0 failed against $base"
