import os

import azure.functions as func

# The pod's name (Kubernetes sets HOSTNAME), so a run shows which replica took a message.
REPLICA = os.environ.get("HOSTNAME", "?")


def main(msg: func.QueueMessage, done: func.Out[str]) -> None:
    """Copies each message of `k8s-in` to `k8s-done` as "<text> <pod>"."""
    done.set(f"{msg.get_body().decode()} {REPLICA}")
