import logging

import azure.functions as func


def main(src: func.InputStream, out: func.Out[bytes]) -> None:
    data = src.read()
    logging.info("blob trigger: %s (%d bytes, length %s)", src.name, len(data), src.length)
    out.set(data.upper())
