import json

import azure.functions as func


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    return func.HttpResponse(json.dumps({
        "traceparent": context.trace_context.Traceparent,
        "tracestate": context.trace_context.Tracestate,
        "invocation_id": context.invocation_id,
    }), mimetype="application/json")
