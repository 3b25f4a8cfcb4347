"""Ids that come from clients, in URLs and in forms: whole numbers from 1 to what the database
holds (a 64-bit signed integer). A larger number reached the database and overflowed it (a 500
on SQLite); with these, anything that is no id is a 404 (URL) or a 400 (form) like any unknown
one.

``<id:pk>`` in a URL pattern (registered below, when this module is first imported: the pages'
URLs and the WebSocket routes import it) instead of ``<int:pk>``; ``IdField``,
``IdChoiceField`` and ``IdMultipleChoiceField`` in forms.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import register_converter

ID_MAX = 2**63 - 1
NOT_AN_ID = "That is not the id of anything here."


def as_id(value) -> int | None:
    """``value`` as an id, or None when it is not one (not a whole number from 1 to ID_MAX)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= ID_MAX else None


class IdConverter:
    """A path converter: what is no id does not match, so the URL answers 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = as_id(value)
        if number is None:
            raise ValueError(f"{value} is not an id")  # the resolver reads this as "no match"
        return number

    def to_url(self, value) -> str:
        return str(value)


class IdField(forms.IntegerField):
    """An id sent in a form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = self.error_messages["max_value"] = NOT_AN_ID


class IdChoiceField(forms.ModelChoiceField):
    """One object by id, among the queryset's; what is no id is refused before any query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if as_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several objects by id; what is no id is refused before any query (``pk__in`` with 2**70
    overflows the database, where the single lookup does not)."""

    def _check_values(self, value):
        for item in value:
            if as_id(item) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


register_converter(IdConverter, "id")
