"""Binding type names and setting names used in the decorator model."""

HTTP_TRIGGER = "httpTrigger"
HTTP_OUTPUT = "http"
TIMER_TRIGGER = "timerTrigger"
QUEUE_TRIGGER = "queueTrigger"
QUEUE = "queue"
BLOB_TRIGGER = "blobTrigger"
BLOB = "blob"
TABLE = "table"
EVENT_GRID_TRIGGER = "eventGridTrigger"
EVENT_GRID = "eventGrid"

# setting names (Function.get_settings_dict(<name>))
FUNCTION_NAME = "function_name"
RETRY_POLICY = "retry_policy"
