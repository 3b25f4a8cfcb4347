"""Lists come a page at a time: ``?page=N`` (from 1), PAGE_SIZE items a page."""

from collections.abc import Callable

from django.core.paginator import EmptyPage, Paginator
from ninja import Query

PAGE_SIZE = 50

PageNumber = Query(1, ge=1, le=1_000_000, description="Which page, from 1.")


def page_of(items, number: int, build: Callable) -> dict:
    """The page ``number`` of ``items`` (a queryset or a list), each made by ``build``; past
    the last page, no items."""
    paginator = Paginator(items, PAGE_SIZE)
    try:
        found = list(paginator.page(number).object_list)
    except EmptyPage:
        found = []
    return {
        "items": [build(item) for item in found],
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages,
    }
