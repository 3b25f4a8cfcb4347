"""Keeping the matrices' cached holders current (apps/matrices/holders.py).

The holders are cached with a matrix's structure, under its structure version, which
``services.holders_set`` raises. Three things change them without it: a user's name edited (in
the admin), which the column heads show, a named person renamed, and a person deleted with their
user or team. Each only marks the structure of the matrices concerned out of date, as
apps/matrices/receivers.py does for a role's name.

A member who leaves a team, or is removed from it, stops being one of its users; the roles they
held stay held, by a person without an account under their name, so that the team sees who it
was and can hand the roles on.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from apps.accounts.models import Membership
from apps.matrices.models import Matrix, new_structure_version

from .models import Person, user_name

NAME_FIELDS = frozenset({"first_name", "last_name", "username"})


def _outdate(matrices) -> None:
    matrices.update(structure_version=new_structure_version())


@receiver(post_save, sender=get_user_model(), dispatch_uid="people_user_saved")
def user_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if created or raw or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return  # a login saves the time of the last login only
    _outdate(Matrix.objects.filter(holders__person__user=instance))


@receiver(post_save, sender=Person, dispatch_uid="people_person_saved")
def person_saved(sender, instance: Person, created: bool = False, raw: bool = False, **kwargs):
    update_fields = kwargs.get("update_fields")
    if created or raw or (update_fields is not None and "name" not in update_fields):
        return
    _outdate(Matrix.objects.filter(holders__person=instance))  # renamed


@receiver(pre_delete, sender=Person, dispatch_uid="people_person_deleted")
def person_deleted(sender, instance: Person, **kwargs) -> None:
    _outdate(Matrix.objects.filter(holders__person=instance))


@receiver(post_delete, sender=Membership, dispatch_uid="people_member_left")
def member_left(sender, instance: Membership, **kwargs) -> None:
    person = (
        Person.objects.filter(team_id=instance.team_id, user_id=instance.user_id)
        .select_related("user")
        .first()
    )
    if person is None:  # never held a role, or gone with the user or the team
        return
    if not person.holdings.exists():
        person.delete()
        return
    Person.objects.filter(pk=person.pk).update(
        user=None, name=_free_name(instance.team_id, user_name(person.user))
    )
    _outdate(Matrix.objects.filter(holders__person=person))


def _free_name(team_id: int, name: str) -> str:
    """``name``, or ``name (2)`` ... when a person without an account already has it."""
    field = Person._meta.get_field("name").max_length
    taken = {
        n.lower()
        for n in Person.objects.filter(team_id=team_id, user__isnull=True).values_list(
            "name", flat=True
        )
    }
    candidate, n = name[:field], 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[: field - len(suffix)] + suffix
    return candidate
