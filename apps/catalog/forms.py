from django import forms

from .models import Role


class CustomRoleForm(forms.ModelForm):
    """A team's own role: its name, label and the definition the role guide shows."""

    class Meta:
        model = Role
        fields = ["name", "short_label", "summary", *Role.DEFINITION_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Role.DEFINITION_FIELDS}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Role.objects.filter(team=self.instance.team, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(f"Your team already has a role called “{name}”.")
        return name
