from django.db import migrations, models


def mark_undos(apps, schema_editor):
    """An undo reverts a change; reverting an undo redoes it: alternate along each chain."""
    Change = apps.get_model("history", "Change")
    reverts = dict(Change.objects.filter(reverts__isnull=False).values_list("pk", "reverts_id"))
    undos = []
    for pk in reverts:
        depth, at = 0, pk
        while at in reverts:
            depth, at = depth + 1, reverts[at]
        if depth % 2:
            undos.append(pk)
    Change.objects.filter(pk__in=undos).update(is_undo=True)


class Migration(migrations.Migration):
    dependencies = [("history", "0003_action_holders")]

    operations = [
        migrations.AddField(
            model_name="change",
            name="is_undo",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_undos, migrations.RunPython.noop),
    ]
