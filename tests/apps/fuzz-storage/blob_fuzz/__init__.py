import hashlib
import logging

import azure.functions as func


def main(src: func.InputStream) -> None:
    """Reads the blob, its name, uri, length, metadata and properties, then logs the marker
    the fuzz driver counts: "FUZZ-B token=<content, ASCII> name_sha=<sha256 of the name>
    metadata=<n> properties=<n>"."""
    data = src.read()
    name = src.name or ""
    meta = src.metadata or {}
    props = src.blob_properties or {}
    _ = (src.uri, src.length, sum(len(str(k)) + len(str(v)) for k, v in meta.items()))
    logging.info("FUZZ-B token=%s name_sha=%s metadata=%d properties=%d",
                 data.decode("ascii", "replace")[:64],
                 hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest(),
                 len(meta), len(props))
