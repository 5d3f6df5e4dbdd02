def main(req):
    raise RuntimeError("notafunction must never be loaded (L1)")
