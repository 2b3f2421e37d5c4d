-- A consent submission per request (POST with CSRF), each by another parent: the file in
-- BENCH_CONSENT holds one line per parent, "cookie<TAB>path<TAB>form body without choice".
-- Each parent alternates "yes" and "no" (given, then withdrawn), so the decision can be
-- repeated for ever. wrk threads take every n-th line, so no two threads share a parent.
local entries = {}
for line in io.lines(os.getenv("BENCH_CONSENT")) do
  local cookie, path, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  if cookie then
    entries[#entries + 1] = {cookie = cookie, path = path, body = body, yes = true}
  end
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  id = id or 1
  step = 2
  index = id
end

function request()
  local e = entries[((index - 1) % #entries) + 1]
  index = index + step
  local choice = e.yes and "yes" or "no"
  e.yes = not e.yes
  local headers = {
    ["Cookie"] = e.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", e.path, headers, e.body .. "&choice=" .. choice)
end

done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
