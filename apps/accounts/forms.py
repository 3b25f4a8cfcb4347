from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Q

from .models import AccessLevel, Membership, Team


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]
        labels = {"name": "Team name"}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the team a name.")
        return name


class AccessForm(forms.Form):
    access = forms.ChoiceField(choices=AccessLevel.choices, label="Access")


class MemberAddForm(AccessForm):
    """Add an existing user, found by username or e-mail address."""

    user = forms.CharField(label="Username or e-mail", max_length=254)

    field_order = ["user", "access"]

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["access"].initial = AccessLevel.EDITOR

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(
            Q(username__iexact=value) | (Q(email__iexact=value) & ~Q(email="")), is_active=True
        )
        found = list(users[:2])
        if not found:
            raise forms.ValidationError(
                f"No user is called “{value}” or has that e-mail address. "
                "Check the spelling, or send them an invite link instead."
            )
        if len(found) > 1:
            raise forms.ValidationError(
                "Several users have that e-mail address; enter the username instead."
            )
        user = found[0]
        if Membership.objects.filter(team=self.team, user=user).exists():
            raise forms.ValidationError(
                f"{user.get_username()} is already a member of {self.team.name}."
            )
        return user


class InviteForm(AccessForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["access"].initial = AccessLevel.EDITOR
        self.fields["access"].label = "Joins as"


class SignupForm(UserCreationForm):
    email = forms.EmailField(label="E-mail", required=False, help_text="Optional.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]


class PreferencesForm(forms.Form):
    compact_grid = forms.TypedChoiceField(
        choices=[("true", "Compact"), ("false", "Comfortable")],
        coerce=lambda value: value == "true",
        error_messages={"required": "Say compact_grid=true or false."},
    )
