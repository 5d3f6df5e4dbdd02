"""Which event loop runs the app's async functions (PYFN_EVENT_LOOP, docs/settings.md).

    loop_factory() -> callable making the loop, or None for asyncio's default

`asyncio` (the default, as in Azure's worker): asyncio's own loop, or whatever loop the
app's event loop policy makes (an app that calls `uvloop.install()` while it is imported
gets uvloop: the loop starts after the app is loaded). `uvloop`: uvloop from the app's
packages, with a warning and asyncio's loop when it cannot be imported. `auto`: uvloop
when it can be imported, silently asyncio's loop otherwise.

Read when the loop starts: at the first async invocation (the app's packages are on
sys.path by then), or at the start with PYFN_LOOP_AT_START=1.
"""

import logging
import os

logger = logging.getLogger('pyfn_worker')

SETTING = 'PYFN_EVENT_LOOP'
CHOICES = ('asyncio', 'uvloop', 'auto')


def loop_factory():
    value = os.environ.get(SETTING, '')
    choice = value.strip().lower() or 'asyncio'
    if choice not in CHOICES:
        logger.warning('%s=%r is not one of %s: async functions run on the '
                       'asyncio event loop', SETTING, value, ', '.join(CHOICES))
        return None
    if choice == 'asyncio':
        return None
    try:
        import uvloop
    except ImportError as e:
        if choice == 'uvloop':
            logger.warning("%s=uvloop but uvloop cannot be imported (%s): async "
                           "functions run on the asyncio event loop; add uvloop "
                           "to the app's requirements", SETTING, e)
        return None
    logger.info('async functions run on uvloop %s',
                getattr(uvloop, '__version__', ''))
    return uvloop.new_event_loop
