from django import forms
from django.contrib.auth import get_user_model

from apps.ids import IdMultipleChoiceField

from .models import Person

NAME_MAX = Person._meta.get_field("name").max_length


class HoldersForm(forms.Form):
    """Who holds a role column: users of the team, the team's named people, and perhaps a new
    named person."""

    user = IdMultipleChoiceField(queryset=get_user_model().objects.none(), required=False)
    person = IdMultipleChoiceField(queryset=Person.objects.none(), required=False)
    new_name = forms.CharField(
        max_length=NAME_MAX, required=False, label="Someone without an account"
    )

    def __init__(self, *args, team_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(memberships__team_id=team_id)
        self.fields["person"].queryset = Person.objects.filter(team_id=team_id)


class PersonForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX,
        label="Name",
        error_messages={
            "required": "Give the person a name.",
            "max_length": f"A name has at most {NAME_MAX} characters.",
        },
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the person a name.")
        return name
