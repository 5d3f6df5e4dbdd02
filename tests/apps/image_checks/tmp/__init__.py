import json
import os
import tempfile

import azure.functions as func


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    """R7: answers {"tempdir", "roundtrip": true if a temp file could be written and read,
    "app_dir_writable": whether the function folder accepted a file}."""
    tmpdir = tempfile.gettempdir()
    with tempfile.NamedTemporaryFile("w+", dir=tmpdir, suffix=".txt") as f:
        f.write("pyfn-tmp")
        f.flush()
        f.seek(0)
        roundtrip = f.read() == "pyfn-tmp"
    probe = os.path.join(context.function_directory, ".pyfn-write-probe")
    try:
        with open(probe, "w") as f:
            f.write("x")
        os.unlink(probe)
        app_dir_writable = True
    except OSError:
        app_dir_writable = False
    return func.HttpResponse(json.dumps({
        "tempdir": tmpdir, "roundtrip": roundtrip, "app_dir_writable": app_dir_writable,
    }), mimetype="application/json")
