"""A stand-in language worker for tests/dev-loop.bats, started by pyfn-host through
languageWorkers__python__defaultExecutablePath=python3 and
languageWorkers__python__arguments="-m probe_worker" (PYTHONPATH=tests/helpers), the way
Azure's Python worker runs in a container (`python -m azure_functions_worker`).

It prints where it runs and what it was given, one line the host logs, and exits: with
`-m`, sys.path[0] is the working directory, which is how Azure's worker finds the app.
"""
import json
import os
import sys

print("probe " + json.dumps({
    "cwd": os.getcwd(),
    "sys_path_0": sys.path[0],
    "AzureWebJobsScriptRoot": os.environ.get("AzureWebJobsScriptRoot"),
    "FUNCTIONS_APPLICATION_DIRECTORY": os.environ.get("FUNCTIONS_APPLICATION_DIRECTORY"),
    "FUNCTIONS_WORKER_DIRECTORY": os.environ.get("FUNCTIONS_WORKER_DIRECTORY"),
    "args": sys.argv[1:],
}, sort_keys=True), flush=True)
