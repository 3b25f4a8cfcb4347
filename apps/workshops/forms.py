from django import forms

from apps.ids import IdField, IdMultipleChoiceField
from apps.matrices.models import Matrix
from apps.raci.schemes import Scheme

from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_PARTICIPANTS_LIMIT,
    NONE,
    Participant,
    WorkshopState,
)

# The value a form sends for "this role has no part" (an empty value would read as "missing").
NONE_VALUE = "none"


class StartForm(forms.Form):
    activities = IdMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one activity for the workshop."},
    )

    def __init__(self, *args, matrix: Matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = matrix.activities.select_related("phase").order_by(
            "phase__position", "position", "pk"
        )


class CodeForm(forms.Form):
    code = forms.CharField(label="Workshop code", max_length=20)

    def clean_code(self) -> str:
        # People type codes with spaces or dashes, in lower case; letters they might confuse
        # are not in the alphabet, but a zero typed for an O still gets a clear message.
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
            raise forms.ValidationError(
                f"A workshop code has {CODE_LENGTH} letters and digits, like “ACD 347”."
            )
        return code


class NameForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=Participant._meta.get_field("name").max_length,
        help_text="As the others in the room know you.",
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name or any(not ch.isprintable() for ch in name):
            raise forms.ValidationError("Type the name the others know you by.")
        return name


class CodeChoiceField(forms.ChoiceField):
    """A letter of the scheme, or NONE_VALUE (cleaned to NONE)."""

    def __init__(self, scheme: Scheme, **kwargs):
        choices = [(code, code) for code in scheme.codes] + [(NONE_VALUE, "none")]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):  # not given (only where the field is optional)
            return None
        return NONE if value == NONE_VALUE else value


class VoteForm(forms.Form):
    activity = IdField()
    role = IdField()

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = CodeChoiceField(
            scheme,
            error_messages={"invalid_choice": f"Choose one of {', '.join(scheme.codes)} or none."},
        )


class SettleForm(forms.Form):
    """No activity: the majority everywhere; an activity: its majority; with a role, one cell
    (the majority, or ``code`` when given)."""

    activity = IdField(required=False)
    role = IdField(required=False)
    # Accepting every majority settles the plan its preview showed (settling.py): its digest,
    # and whether letters nobody voted on are kept.
    plan = forms.CharField(required=False, max_length=64)
    keep = forms.BooleanField(required=False)

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = CodeChoiceField(scheme, required=False)

    def clean(self):
        data = super().clean()
        if data.get("role") and not data.get("activity"):
            raise forms.ValidationError("Say which activity the cell belongs to.")
        if data.get("code") is not None and not data.get("role"):
            raise forms.ValidationError("Choose the role whose letter you are setting.")
        if not data.get("activity") and not data.get("plan"):
            raise forms.ValidationError(
                "Look at the preview of what accepting every majority does, then confirm it."
            )
        return data


class SettlePreviewForm(forms.Form):
    keep = forms.BooleanField(required=False)


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=WorkshopState.choices)


class RevealForm(forms.Form):
    revealed = forms.BooleanField(required=False)


class ExportForm(forms.Form):
    anonymous = forms.BooleanField(required=False)


class CapacityForm(forms.Form):
    max_participants = forms.IntegerField(
        label="At most",
        min_value=1,
        max_value=MAX_PARTICIPANTS_LIMIT,
        error_messages={
            "required": "Say how many people may join.",
            "invalid": "Type a whole number of people.",
            "min_value": "Allow at least 1 participant.",
            "max_value": f"Allow at most {MAX_PARTICIPANTS_LIMIT} participants.",
        },
    )


class RemoveForm(forms.Form):
    """Those ticked on the board, or everyone who has answered nothing yet."""

    participants = IdMultipleChoiceField(queryset=None, required=False)
    unanswered = forms.BooleanField(required=False)

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = workshop.participants.filter(removed_at__isnull=True)
        self.fields["participants"].error_messages["invalid_choice"] = (
            "Someone you ticked has left the workshop already; look at the list again."
        )

    def clean(self):
        data = super().clean()
        if not data.get("participants") and not data.get("unanswered"):
            raise forms.ValidationError("Tick the participants to remove.")
        return data
