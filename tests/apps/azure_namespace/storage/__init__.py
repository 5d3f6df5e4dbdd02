import json

import azure
import azure.functions as func
from azure.storage.blob import BlobServiceClient


def main(req: func.HttpRequest) -> func.HttpResponse:
    """R8: azure.storage.blob from the app imports beside azure.functions: answers JSON."""
    import azure.storage.blob as blob
    client = BlobServiceClient("http://127.0.0.1:10000/devstoreaccount1")
    return func.HttpResponse(json.dumps({
        "marker": blob.PYFN_FAKE_BLOB,
        "blob_file": blob.__file__,
        "account_url": client.account_url,
        "azure_is_namespace": getattr(azure, "__file__", None) is None,
        "azure_path": list(azure.__path__),
        "functions_version": func.__version__,
    }), mimetype="application/json")
