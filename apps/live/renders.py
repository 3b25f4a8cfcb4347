"""What a stream sends when a matrix changes, rendered once per process for each kind of audience.

Three hundred browsers on one matrix are three hundred consumers in a handful of processes. The
first consumer of a process to hear of a change renders its regions (apps/matrices/regions.py)
for its kind of audience, editors, viewers or share-link visitors; the others of that process
await the same render and send the same text.
"""

import asyncio
import json
from collections import OrderedDict

from apps.live.hop import database_hop
from apps.matrices.changes import Action
from apps.matrices.models import Matrix
from apps.matrices.regions import change_regions, page_regions

from .access import EDIT, SHARED

KEPT = 64
_renders: OrderedDict[tuple, asyncio.Future] = OrderedDict()


async def rendered(key: tuple, render) -> str:
    """``render()``'s text for ``key``: rendered once, awaited by everyone who asks for it."""
    future = _renders.get(key)
    if future is None:
        future = asyncio.get_running_loop().create_future()
        _renders[key] = future
        while len(_renders) > KEPT:
            _renders.popitem(last=False)
        try:
            future.set_result(await database_hop(render)())
        except BaseException as error:
            _renders.pop(key, None)
            future.set_exception(error)
            future.exception()  # retrieved: the caller raises it below
            raise
    return await asyncio.shield(future)


def _matrix(matrix_id: int, variant: str) -> Matrix | None:
    matrix = Matrix.objects.select_related("team").filter(pk=matrix_id).first()
    if matrix is not None:
        matrix.can_edit = variant == EDIT and not matrix.is_template
        matrix.shared = variant == SHARED
        matrix.access = None
    return matrix


async def change_message(event: dict, variant: str) -> str:
    """A change as a stream sends it: what it was, who made it, and its regions as they are now
    (``at``: the version they show, which may be later than the change's own)."""

    def render() -> str:
        matrix = _matrix(event["matrix"], variant)
        if matrix is None:
            return json.dumps({"t": "deleted"})
        regions = change_regions(matrix, event["action"], event["cells"])
        message = {
            "t": "change",
            "v": event["version"],
            "at": matrix.version,
            "action": event["action"],
            "cells": event["cells"],
            "by": {"id": event["by"], "name": event["by_name"]},
            "summary": event["summary"],
            "origin": event.get("origin", ""),
            "regions": regions,
        }
        if variant == SHARED:
            # A share link's visitor is not told who made it (the team's names and ids are the
            # team's), nor, for a change of holders, whom it names (apps/people).
            del message["by"], message["origin"]
            if event["action"] == Action.HOLDERS:
                message["summary"] = "Changed who holds a role"
        return json.dumps(message)

    key = ("change", event["matrix"], event["version"], variant)
    return await rendered(key, render)


async def sync_message(matrix_id: int, version: int, variant: str) -> str:
    """Every region as it is now: what a browser that has missed changes catches up with."""

    def render() -> str:
        matrix = _matrix(matrix_id, variant)
        if matrix is None:
            return json.dumps({"t": "deleted"})
        return json.dumps({"t": "sync", "at": matrix.version, "regions": page_regions(matrix)})

    return await rendered(("sync", matrix_id, version, variant), render)
