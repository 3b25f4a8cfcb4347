"""What the matrix page and the role guide show of people, for templates of other apps.

The matrix page (templates/matrices/detail.html) and the role guide load this library; their
apps' Python never imports the people app (it sits above them). On the matrix page everything
comes from the grid, whose holders the matrices app reads through its hook
(apps/matrices/holders.py): no tag here queries there, so the page and its live redraws cost
no more queries than before. The role guide's tag reads for itself (one query).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from .. import selectors

register = template.Library()

ROLE_COLOURS = 6  # people.css: .role-seg-0 ... .role-seg-5


@register.simple_tag
def role_holders(grid, role):
    """A column head's holders: their initials (names on hover), and the names in words for
    screen readers; nothing where the holders are not shown or the role has none."""
    holders = (grid.holders or {}).get(role.pk, ())
    if not holders:
        return ""
    names = [escape(holder.name) for holder in holders]
    names = f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]
    badges = "".join(
        f'<span class="holder{"" if holder.has_account else " holder-named"}" '
        f'data-person="{holder.id}" title="{escape(holder.name)}">{escape(holder.initials)}</span>'
        for holder in holders
    )
    ids = " ".join(str(holder.id) for holder in holders)
    return mark_safe(  # noqa: S308 - every name escaped above
        f'<span class="holders" data-people="{ids}"><span class="visually-hidden">Held by '
        f'{names}</span><span class="holder-badges" aria-hidden="true">{badges}</span></span>'
    )


@register.simple_tag
def matrix_people(grid) -> list:
    """Everyone who holds a column of the grid, once each, by name: the person filter's."""
    holders = grid.holders or {}
    people = {holder.id: holder for role in grid.roles for holder in holders.get(role.pk, ())}
    return sorted(people.values(), key=lambda holder: (holder.name.casefold(), holder.id))


@register.simple_tag
def panel_rows(grid) -> list[tuple]:
    """The people panel's rows: each column's role with its holders."""
    holders = grid.holders or {}
    return [(role, holders.get(role.pk, ())) for role in grid.roles]


@register.simple_tag
def person_loads(grid):
    return selectors.person_loads(grid)


@register.filter
def role_colour(index: int) -> int:
    return index % ROLE_COLOURS


@register.simple_tag(takes_context=True)
def guide_holders(context, roles):
    """For each role of the role guide, who holds it in the matrices of the viewer's teams."""
    return selectors.guide_holders(context["request"].user, roles)
