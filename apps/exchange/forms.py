from django import forms

from apps.accounts.models import EDITING_LEVELS, Team
from apps.ids import IdChoiceField
from apps.matrices.models import Matrix


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="JSON, CSV or Excel (.xlsx): as exported here, or typed by hand with the "
        "activity in the first column, an optional Phase column and one column per role."
    )
    title = forms.CharField(
        max_length=Matrix._meta.get_field("title").max_length,
        required=False,
        help_text="Leave empty to keep the file's.",
    )
    team = IdChoiceField(queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            memberships__user=user, memberships__access__in=EDITING_LEVELS
        ).order_by("personal_for", "name")


class ImportConfirmForm(forms.Form):
    token = forms.CharField(max_length=64)
