"""Keeping the matrices' cached holders current (apps/matrices/holders.py).

The holders are cached with a matrix's structure, under its structure version, which
``services.holders_set`` raises. Two things change them without it: a user's name edited (in
the admin), which the column heads show, and a person deleted with their user or team. Both
only mark the structure of the matrices concerned out of date, as apps/matrices/receivers.py
does for a role's name.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from apps.matrices.models import Matrix, new_structure_version

from .models import Person

NAME_FIELDS = frozenset({"first_name", "last_name", "username"})


def _outdate(matrices) -> None:
    matrices.update(structure_version=new_structure_version())


@receiver(post_save, sender=get_user_model(), dispatch_uid="people_user_saved")
def user_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if created or raw or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return  # a login saves the time of the last login only
    _outdate(Matrix.objects.filter(holders__person__user=instance))


@receiver(pre_delete, sender=Person, dispatch_uid="people_person_deleted")
def person_deleted(sender, instance: Person, **kwargs) -> None:
    _outdate(Matrix.objects.filter(holders__person=instance))
