from django import template
from django.utils.html import escape

from ..rendering import row_cells_html, single_cell_html

register = template.Library()


@register.simple_tag(takes_context=True)
def row_cells(context, row, editable):
    """All cells of a row; role names are escaped once per page, not once per cell."""
    names = context.get("_escaped_role_names")
    if names is None:
        names = context["_escaped_role_names"] = [escape(r.name) for r in context["grid"].roles]
    return row_cells_html(row, editable, names)


@register.simple_tag
def cell(cell, editable):
    return single_cell_html(cell, editable)
