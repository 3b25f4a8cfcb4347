import json

from django import forms

from apps.accounts.models import EDITING_LEVELS, Team
from apps.catalog.models import Role
from apps.ids import IdChoiceField, IdField, as_id
from apps.raci.schemes import scheme_choices

from .models import Activity, Matrix, MatrixRole, Phase, Responsibility


def most(model, field: str) -> int:
    """The model field's max_length: the one place each text's limit is stated."""
    return model._meta.get_field(field).max_length


class MatrixCreateForm(forms.Form):
    title = forms.CharField(
        max_length=most(Matrix, "title"), widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    template = IdChoiceField(
        queryset=Matrix.objects.none(),
        required=False,
        blank=True,  # RadioSelect drops the empty choice otherwise
        empty_label="Blank matrix",
        widget=forms.RadioSelect,
        label="Start from",
    )
    team = IdChoiceField(queryset=Team.objects.none(), empty_label=None)

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


class CellForm(forms.Form):
    activity = IdField()
    role = IdField()
    code = forms.CharField(max_length=1, required=False, strip=True)

    def clean_code(self):
        return self.cleaned_data["code"].upper()


class NoteForm(forms.Form):
    activity = IdField()
    role = IdField()
    note = forms.CharField(max_length=most(Responsibility, "note"), required=False)


class ActivityForm(forms.Form):
    name = forms.CharField(max_length=most(Activity, "name"))
    description = forms.CharField(
        max_length=most(Activity, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NameForm(forms.Form):
    name = forms.CharField(max_length=most(Phase, "name"))


class ColumnNameForm(forms.Form):
    name = forms.CharField(max_length=most(MatrixRole, "label"))


class ShiftForm(forms.Form):
    offset = forms.TypedChoiceField(choices=[("-1", "up"), ("1", "down")], coerce=int)


class MoveForm(forms.Form):
    activity = IdField()
    phase = IdField()
    before = IdField(required=False)


class ColumnAddForm(forms.Form):
    role = IdField()


class CustomRoleForm(forms.Form):
    name = forms.CharField(max_length=most(Role, "name"))
    short_label = forms.CharField(max_length=most(Role, "short_label"), label="Short label")
    description = forms.CharField(max_length=most(Role, "summary"), required=False)


class MatrixDetailsForm(forms.ModelForm):
    class Meta:
        model = Matrix
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RuleOptionsForm(forms.ModelForm):
    class Meta:
        model = Matrix
        fields = [
            "accountable_does_work",
            "overload_percent",
            "overlap_threshold",
            "unheld_roles_note",
            "shared_accountable_warning",
        ]
        labels = {
            "accountable_does_work": "The Accountable role also does the work",
            "overload_percent": "Overload warning above (% of activities)",
            "overlap_threshold": "Warn when one person is both Accountable and Responsible, "
            "through two roles, on at least this many activities (0: never)",
            "unheld_roles_note": "Note the role columns with letters that nobody holds",
            "shared_accountable_warning": "Warn when a role that is Accountable somewhere is "
            "held by several people",
        }

    # The options about the people who hold the roles came later: a form sent without them
    # (a page loaded before they existed, a script) leaves them as they are.
    PEOPLE_FIELDS = ("overlap_threshold", "unheld_roles_note", "shared_accountable_warning")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if data is not None and "overlap_threshold" not in data:
            for name in self.PEOPLE_FIELDS:
                del self.fields[name]


class SchemeForm(forms.Form):
    scheme = forms.ChoiceField(choices=scheme_choices())
    confirm = forms.BooleanField(required=False)


BLOCK_MAX_CELLS = 50_000  # a 2,000 x 25 grid; an import allows 2,000 x 200, pasted in parts


class BlockForm(forms.Form):
    """Many cells at once: ``cells`` is JSON, a list of [activity id, role id, letter] ("" to
    clear), as the grid sends it for a selection typed over, cleared, pasted or filled."""

    cells = forms.CharField(max_length=BLOCK_MAX_CELLS * 48)
    summary = forms.CharField(max_length=120, required=False)

    def clean_cells(self):
        try:
            data = json.loads(self.cleaned_data["cells"])
        except (ValueError, RecursionError):
            raise forms.ValidationError("The cells could not be read.") from None
        if not isinstance(data, list) or not data or len(data) > BLOCK_MAX_CELLS:
            raise forms.ValidationError(f"Send between 1 and {BLOCK_MAX_CELLS:,} cells.")
        cells = []
        for item in data:
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[2], str)):
                raise forms.ValidationError("Each cell is [activity, role, letter].")
            activity, role, code = as_id(item[0]), as_id(item[1]), item[2].strip().upper()
            if activity is None or role is None or len(code) > 1:
                raise forms.ValidationError("Each cell is [activity, role, letter].")
            cells.append((activity, role, code))
        return cells
