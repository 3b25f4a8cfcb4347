from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.catalog.models import Role

from .models import Matrix, new_structure_version


@receiver(post_save, sender=Role, dispatch_uid="matrices_role_changed")
def role_changed(sender, instance: Role, created: bool, raw: bool = False, **kwargs) -> None:
    """A role's name or definition shows in the head of every matrix that has it as a column:
    those matrices' cached structures are out of date (selectors.matrix_structure)."""
    if created or raw:
        return
    # One value for all of them will do: the cache key holds the matrix's id too.
    Matrix.objects.filter(columns__role=instance).update(structure_version=new_structure_version())
