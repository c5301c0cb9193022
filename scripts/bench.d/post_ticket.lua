-- POST /api/v1/tickets with a bearer token, cycling through the JSON bodies in
-- $BENCH_BODIES (one a line) so that every kind's typed fields validate.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  if line ~= "" then bodies[#bodies + 1] = line end
end
local headers = {
  ["Content-Type"] = "application/json",
  ["Accept-Language"] = "es",
  ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
}
local sent = 0

function request()
  sent = sent + 1
  return wrk.format("POST", "/api/v1/tickets", headers, bodies[sent % #bodies + 1])
end
