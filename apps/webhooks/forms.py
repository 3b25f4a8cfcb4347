from django import forms

from .models import Event, Webhook


class WebhookForm(forms.Form):
    url = forms.URLField(
        max_length=Webhook._meta.get_field("url").max_length,
        label="Address (URL)",
        assume_scheme="https",
        help_text="A public http:// or https:// address; redirects are not followed.",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices, widget=forms.CheckboxSelectMultiple, label="Send"
    )
