# No `main`: the worker fails to load this function.
def handler(msg):
    return None
