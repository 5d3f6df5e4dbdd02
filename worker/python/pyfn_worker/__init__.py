"""pyfn-worker's Python side: the dispatcher behind the `_pyfn` bridge.

Imports only the standard library and our `azure.functions` (spec P2), so an
app may ship any version of any package without clashing with the worker.
"""

__version__ = '0.1.0'
