from django import forms

from .models import REASON_MAX


class AskForm(forms.Form):
    people = forms.TypedMultipleChoiceField(
        coerce=int, label="Who", error_messages={"required": "Choose whom to ask."}
    )

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(p.pk, p.display_name) for p in holders]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("agree", "Agree"), ("object", "Object")])
    seen = forms.CharField(max_length=32)
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        label="Why you object",
        strip=True,
        error_messages={"max_length": f"A reason has at most {REASON_MAX} characters."},
    )
    cells = forms.MultipleChoiceField(required=False, label="The letters you object to")

    def __init__(self, *args, letters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cells"].choices = [(f"{a}-{r}", f"{a}-{r}") for (a, r), _ in letters]

    def objected(self) -> list[tuple[int, int]]:
        return [tuple(int(x) for x in cell.split("-")) for cell in self.cleaned_data["cells"]]


class RecordForm(forms.Form):
    person = forms.TypedChoiceField(coerce=int, label="Who agreed")
    meeting_on = forms.DateField(label="In the meeting on")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.display_name) for p in people]


class ReviewForm(forms.Form):
    every_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Review every (days)"
    )


class AnnounceForm(forms.Form):
    activities = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Announce")

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = [(a.pk, a.name) for a in activities]
