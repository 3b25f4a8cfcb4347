from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notices/_bell.html", takes_context=True)
def notice_bell(context):
    """The bell in the top bar: the signed-in person's unread notices (one query)."""
    user = context["request"].user
    return {"unread": unread_count(user) if user.is_authenticated else 0}
