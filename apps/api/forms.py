from datetime import UTC, datetime, time

from django import forms
from django.utils import timezone

from apps.accounts.models import AccessLevel, Team
from apps.ids import IdChoiceField

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What it is for, e.g. “Wiki page” or “Release script”.",
    )
    access = forms.ChoiceField(
        choices=[("read", "Read only"), ("write", "Read and write")],
        initial="read",
        widget=forms.RadioSelect,
    )
    expires = forms.DateField(
        required=False,
        label="Expires on (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="It stops working at the start of that day (UTC); empty: never.",
    )
    team = IdChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Personal: acts as you, in all your teams",
        label="For",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            memberships__user=user, memberships__access=AccessLevel.OWNER
        ).order_by("personal_for", "name")
        self.fields["team"].label_from_instance = lambda team: f"The team {team.name} only"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name

    def clean_expires(self):
        day = self.cleaned_data["expires"]
        if day is None:
            return None
        moment = datetime.combine(day, time.min, tzinfo=UTC)
        if moment <= timezone.now():
            raise forms.ValidationError("Choose a day after today.")
        return moment
