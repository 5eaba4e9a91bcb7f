-- bench/http/paths.lua — wrk script for bench/http.sh: requests the paths of a
-- file (one URL path per line, already URL-encoded), in turn, each thread
-- starting at its own place in the list so the threads do not move in step.
-- After the run it prints one machine-readable line for http.sh:
--   WRKRESULT requests seconds rps p50_ms p90_ms p99_ms max_ms non2xx socket_errors
-- Usage: wrk ... -s bench/http/paths.lua URL -- PATHS_FILE [unique|repeat [PACE_MS]]
-- With "unique", every request carries a parameter of its own (nocache=T.N,
-- which weft ignores), so no answer can come from weft serve's cache: the
-- cost of computing each one.  With PACE_MS, each connection waits that long
-- before each request: C connections then offer at most C * 1000 / PACE_MS
-- requests a second, so the latency is read at a given load rather than at
-- saturation (wrk alone always saturates the two cores it shares).
local paths = {}
local nthreads = 0
local threads = {}

local function load(file)
	local list = {}
	local f = assert(io.open(file, "r"), "cannot open " .. tostring(file))
	for line in f:lines() do
		if line ~= "" then list[#list + 1] = line end
	end
	f:close()
	assert(#list > 0, file .. ": no paths")
	return list
end

function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
	threads[#threads + 1] = thread
end

local i = 0
local unique = false
local pace = 0
function delay()
	return pace
end

function init(args)
	paths = load(args[1])
	unique = args[2] == "unique"
	pace = tonumber(args[3] or "0") or 0
	-- tid is set by setup() before init() runs in the thread
	i = ((tid or 1) - 1) * math.floor(#paths / 7 + 1)
end

function request()
	i = i + 1
	local p = paths[(i - 1) % #paths + 1]
	if unique then
		p = p .. (p:find("?", 1, true) and "&" or "?") .. "nocache=" .. (tid or 1) .. "." .. i
	end
	return wrk.format("GET", p)
end

function done(summary, latency, requests)
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format("WRKRESULT %d %.2f %.1f %.2f %.2f %.2f %.2f %d %d\n",
		summary.requests, secs, summary.requests / secs,
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000,
		e.status, e.connect + e.read + e.write + e.timeout))
end
