"""The live HTTP exchange of a streaming invocation (pyfn).

When pyfn's worker runs an HTTP function over its streaming endpoint (the
`HttpUri` capability), it sets `live_exchange` for the invocation: an object
with the raw request's ASGI `scope` and the connection's `receive` and `send`.
`AsgiMiddleware.handle_async` then runs the ASGI app on them directly, so
request bodies arrive piece by piece and responses leave as they are written.
Outside such an invocation it is None and the middleware buffers, as before.
"""

import contextvars
from typing import Any, Optional

live_exchange: 'contextvars.ContextVar[Optional[Any]]' = \
    contextvars.ContextVar('azure_functions_live_http_exchange', default=None)
