import json

import azure.functions as func


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    # Imported here: the app loads without opentelemetry (the test skips then).
    try:
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
            InMemorySpanExporter)
        from opentelemetry.version import __version__
    except ImportError as e:
        return func.HttpResponse(json.dumps({"error": str(e)}), status_code=501,
                                 mimetype="application/json")
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("app").start_as_current_span("app-work"):
        pass
    (span,) = exporter.get_finished_spans()
    return func.HttpResponse(json.dumps({
        "opentelemetry": __version__,
        "trace_id": format(span.context.trace_id, "032x"),
        "parent_span_id": format(span.parent.span_id, "016x") if span.parent else "",
        "traceparent": context.trace_context.Traceparent,
    }), mimetype="application/json")
