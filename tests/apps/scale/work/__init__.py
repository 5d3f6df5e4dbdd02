import os

import azure.functions as func

REPLICA = os.environ.get("PYFN_REPLICA", "?")


def main(msg: func.QueueMessage, done: func.Out[str]) -> None:
    # "<message text> <replica>": the test counts each text once and sees who ran it.
    done.set(f"{msg.get_body().decode()} {REPLICA}")
