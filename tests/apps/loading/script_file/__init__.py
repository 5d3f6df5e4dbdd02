def main(req):
    """Must not be called: scriptFile is main.py."""
    raise RuntimeError("__init__.py used although scriptFile is main.py")
