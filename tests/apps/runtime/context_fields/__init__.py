import json

import azure.functions as func


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    """R2: answers the Context's fields as JSON."""
    tc = context.trace_context
    rc = context.retry_context
    return func.HttpResponse(json.dumps({
        "function_name": context.function_name,
        "function_directory": context.function_directory,
        "invocation_id": context.invocation_id,
        "Traceparent": tc.Traceparent,
        "Tracestate": tc.Tracestate,
        "Attributes": dict(tc.Attributes or {}),
        "trace_parent": tc.trace_parent,
        "trace_state": tc.trace_state,
        "retry_count": rc.retry_count if rc is not None else None,
        "max_retry_count": rc.max_retry_count if rc is not None else None,
        "has_thread_local_storage": hasattr(context, "thread_local_storage"),
    }), mimetype="application/json")
