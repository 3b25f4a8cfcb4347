"""The facts by which a change's listeners know whether they have anything to do
(Matrix.agreement_asked, Matrix.holders_with_accounts), filled in for the matrices that have
them already: an agreement asked or answered, a person with an account on a column."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Matrix = apps.get_model("matrices", "Matrix")
    Agreement = apps.get_model("agreement", "Agreement")
    Holder = apps.get_model("people", "Holder")
    Matrix.objects.filter(pk__in=Agreement.objects.values("matrix_id")).update(agreement_asked=True)
    Matrix.objects.filter(
        pk__in=Holder.objects.filter(person__user__isnull=False).values("matrix_id")
    ).update(holders_with_accounts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("matrices", "0008_shared_accountable_warning"),
        ("agreement", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="matrix",
            name="agreement_asked",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="matrix",
            name="holders_with_accounts",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
