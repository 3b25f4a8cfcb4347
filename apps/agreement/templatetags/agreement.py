"""The agreement's parts of other apps' pages: the matrix page's panel, "review due" in the
matrix list, and what a person is asked to agree to on My responsibilities."""

from django import template

register = template.Library()


@register.inclusion_tag("agreement/_placeholder.html", takes_context=True)
def agreement_panel(context):
    """Where the panel goes, for members of the matrix's team only: never for a template or a
    share-link visitor (who sees no agreement, as no person of the team). The panel comes by a
    request of its own as the page loads (agreement:panel), so the page's queries stay as
    they are."""
    request, matrix = context["request"], context["matrix"]
    hidden = (
        matrix.is_template
        or context.get("shared")
        or not request.user.is_authenticated
        or getattr(matrix, "access", None) is None
    )
    return {"hidden": hidden, "matrix": matrix}


@register.simple_tag
def due_ids(matrices) -> str:
    """The ids of the listed matrices, for the request that marks those due for review."""
    return ",".join(str(m.pk) for m in matrices)
