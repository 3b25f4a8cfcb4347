from django import forms

from apps.ids import IdField

from .models import Snapshot


class HistoryFilterForm(forms.Form):
    activity = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    role = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, data, *, activities, roles):
        super().__init__(data)
        self.fields["activity"].choices = [("", "All activities")] + [
            (a.pk, a.name) for a in activities
        ]
        self.fields["role"].choices = [("", "All roles")] + [(r.pk, r.name) for r in roles]


class SnapshotForm(forms.Form):
    name = forms.CharField(
        max_length=Snapshot._meta.get_field("name").max_length,
        help_text="For example “As agreed on 20 November” or “To be”.",
    )


class CompareForm(forms.Form):
    """Two states to compare: snapshot ids, or empty for the matrix as it is now."""

    old = IdField(required=False)
    new = IdField(required=False)
