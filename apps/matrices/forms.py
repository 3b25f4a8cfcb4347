from django import forms

from apps.accounts.models import EDITING_LEVELS, Team

from .models import Matrix


class MatrixCreateForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    template = forms.ModelChoiceField(
        queryset=Matrix.objects.none(),
        required=False,
        empty_label="Blank matrix",
        widget=forms.RadioSelect,
        label="Start from",
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = Matrix.objects.templates().order_by("title")
        self.fields["template"].label_from_instance = lambda m: f"{m.title}"
        self.fields["team"].queryset = Team.objects.filter(
            memberships__user=user, memberships__access__in=EDITING_LEVELS
        ).order_by("personal_for", "name")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the matrix a title.")
        return title
