-- GET one path with the session cookie in BENCH_COOKIE (may be empty), and report the
-- figures the benchmark needs as one JSON line (report.lua).
local cookie = os.getenv("BENCH_COOKIE") or ""

function init(args)
  if cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
end

done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
