"""The export menu's entries: a link per format, or, for a format the matrix is too large for
(EXPORT_MAX_CELLS), a line saying so and pointing at CSV."""

from django import template
from django.urls import reverse

from apps.exchange.formats import FORMATS

register = template.Library()

# The menu's order and wording (the share link's menu has the same).
ENTRIES = (
    ("xlsx", "Excel (.xlsx)"),
    ("pdf", "PDF"),
    ("csv", "CSV"),
    ("md", "Markdown"),
    ("json", "JSON (to import elsewhere)"),
)


@register.inclusion_tag("exchange/export_menu.html")
def export_menu(url_name: str, key: str, activities, roles) -> dict:
    """``url_name`` (exchange:export, sharing:export) and its first argument (a matrix's slug,
    a share link's token); the size of the grid (none known: every format is offered)."""
    cells = (activities or 0) * (roles or 0)
    entries = []
    for fmt_key, label in ENTRIES:
        limit = FORMATS[fmt_key].max_cells()
        entries.append(
            {
                "label": label,
                "name": FORMATS[fmt_key].label,
                "url": reverse(url_name, args=[key, fmt_key]),
                "too_large": limit is not None and cells > limit,
            }
        )
    return {"entries": entries, "csv_url": reverse(url_name, args=[key, "csv"])}
