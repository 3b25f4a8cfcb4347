"""Team.change_webhooks: whether one of the team's webhooks asked for "matrix.changed", filled
in for the teams that have one already."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Team = apps.get_model("accounts", "Team")
    Webhook = apps.get_model("webhooks", "Webhook")
    teams = {
        team_id
        for team_id, events in Webhook.objects.values_list("team_id", "events")
        if "matrix.changed" in (events or [])
    }
    Team.objects.filter(pk__in=teams).update(change_webhooks=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_preferences"),
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="change_webhooks",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
