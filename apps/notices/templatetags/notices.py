from django import template

register = template.Library()


@register.inclusion_tag("notices/_bell.html", takes_context=True)
def notice_bell(context):
    """The bell in the top bar. The page itself reads nothing for it (its own queries stay as
    they are): the count comes by a request of its own as the page loads, then whenever a
    stream rings it (static/js/bell.js: the person's unread notices changed)."""
    return {"request": context["request"], "initial": True, "unread": 0}
