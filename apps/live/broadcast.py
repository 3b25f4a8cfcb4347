"""Sending to a group from synchronous code (the listeners run in a request's thread, after
its transaction commits). Saving never depends on the channel layer: a failure is logged and
the browsers catch up by the matrix's version (see consumers.py)."""

import asyncio
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def publish(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if _loop_running():
            # Code that runs an event loop in this thread (a test driving a browser, say):
            # async_to_sync refuses to block it, so send from a thread of our own.
            thread = threading.Thread(target=_send, args=(layer, group, message))
            thread.start()
            thread.join()
        else:
            _send(layer, group, message)
    except Exception:
        logger.exception("Could not publish to %s; the browsers will catch up.", group)


def _send(layer, group: str, message: dict) -> None:
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("Could not publish to %s; the browsers will catch up.", group)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
