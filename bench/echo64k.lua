-- wrk script: POST a 64 KiB JSON document to the echo function.
local pad = string.rep("x", 65536 - 19)
wrk.method = "POST"
wrk.body = '{"pad": "' .. pad .. '", "n": 1}'
wrk.headers["Content-Type"] = "application/json"
