"""The agreement's parts of other apps' pages: the matrix page's panel, "review due" in the
matrix list, and what a person is asked to agree to on My responsibilities."""

from django import template

from ..context import panel_context
from ..selectors import asked_of, reviews_due

register = template.Library()


@register.inclusion_tag("agreement/_panel.html", takes_context=True)
def agreement_panel(context):
    """The panel, for members of the matrix's team only: never for a template or a share-link
    visitor (who sees no agreement, as no person of the team)."""
    request, matrix = context["request"], context["matrix"]
    if matrix.is_template or context.get("shared") or not request.user.is_authenticated:
        return {"hidden": True}
    if getattr(matrix, "access", None) is None:
        return {"hidden": True}
    return panel_context(request, matrix)


@register.simple_tag
def matrices_due(matrices) -> set[int]:
    """The ids of those of ``matrices`` whose review is due (one query)."""
    return reviews_due(m.pk for m in matrices)


@register.inclusion_tag("agreement/_asked.html", takes_context=True)
def agreement_asked(context):
    """What the signed-in person is asked to agree to, with their letters and the answer."""
    request = context["request"]
    return {"parts": asked_of(request.user), "request": request}
