-- POST a valid create body with a new prompt each time, as real clients send (the same body again
-- is a duplicate_create); with LIMIT set, each thread stops after its share of LIMIT replies.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"

local sent = 0
function request()
  sent = sent + 1
  local body = string.format('{"model":"sora-2","prompt":"A cinematic drone shot over misty mountains, take %06d","seconds":"8","size":"1280x720"}', sent)
  return wrk.format(nil, nil, nil, body)
end

local threads = tonumber(os.getenv("THREADS") or "2")
local limit = math.ceil(tonumber(os.getenv("LIMIT") or "0") / threads)
local replies = 0

function response(status, headers, body)
  replies = replies + 1
  if limit > 0 and replies >= limit then wrk.thread:stop() end
end
