"""v2-table: table bindings in the decorator model (needs AzureWebJobsStorage with a
TableEndpoint, e.g. Azurite). Table `v2people`.
- GET /api/v2/people/{partition}/{row} -> table_input by those keys: 200 with the entity's JSON
  text and X-Type: str, or 404 "missing" when the parameter is None.
- GET /api/v2/people/{partition} -> table_input with partition_key and take=10: 200 with the
  JSON array.
- POST /api/v2/people/{partition} -> the body (an entity or an array) set on a table_output
  with partition_key "{partition}": 201 "written".
- `v2_from_queue` (queue_trigger on "v2-table-jobs"): a message {"job": J, "name": N} becomes
  entity {"Name": N} with PartitionKey "queue" and RowKey "{job}" (table_output `out`).
"""
import json

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="v2/people/{partition}/{row}", methods=["GET"])
@app.table_input(arg_name="person", connection="AzureWebJobsStorage",
                 table_name="v2people", partition_key="{partition}",
                 row_key="{row}")
def v2_entity(req: func.HttpRequest, person: str) -> func.HttpResponse:
    if person is None:
        return func.HttpResponse("missing", status_code=404)
    return func.HttpResponse(person, headers={"X-Type": type(person).__name__},
                             mimetype="application/json")


@app.route(route="v2/people/{partition}", methods=["GET"])
@app.table_input(arg_name="rows", connection="AzureWebJobsStorage",
                 table_name="v2people", partition_key="{partition}", take=10)
def v2_query(req: func.HttpRequest, rows: str) -> func.HttpResponse:
    return func.HttpResponse(rows, mimetype="application/json")


@app.route(route="v2/people/{partition}", methods=["POST"])
@app.table_output(arg_name="out", connection="AzureWebJobsStorage",
                  table_name="v2people", partition_key="{partition}")
def v2_write(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    out.set(req.get_body().decode("utf-8"))
    return func.HttpResponse("written", status_code=201)


@app.queue_trigger(arg_name="msg", queue_name="v2-table-jobs",
                   connection="AzureWebJobsStorage")
@app.table_output(arg_name="out", connection="AzureWebJobsStorage",
                  table_name="v2people", partition_key="queue", row_key="{job}")
def v2_from_queue(msg: func.QueueMessage, out: func.Out[str]) -> None:
    out.set(json.dumps({"Name": json.loads(msg.get_body())["name"]}))
