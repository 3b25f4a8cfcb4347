"""Wiring only: every new user gets a personal team (the logic lives in services)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from .services import team_ensure_personal


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts_personal_team")
def give_new_user_a_personal_team(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        team_ensure_personal(user=instance)
