-- wrk script: POST a 1 KiB JSON document to the echo function.
local pad = string.rep("x", 1024 - 20)
wrk.method = "POST"
wrk.body = '{"pad": "' .. pad .. '", "n": 1}'
wrk.headers["Content-Type"] = "application/json"
