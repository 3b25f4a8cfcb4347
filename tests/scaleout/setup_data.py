"""The scale-out tests' data, written by the app's own code in a process of its own (the test
process's Django is on the main suite's database): migrate, seed, and editors on the sample
matrix. ``SCALEOUT_PASSWORD`` is every user's password; prints the sample matrix's slug.

    DATABASE_URL=postgres://.../raci_scaleout SCALEOUT_PASSWORD=... \
        python -m tests.scaleout.setup_data
"""

import os
import sys

USERS = ("ana", "ben", "cy", "dee")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from apps.accounts.models import AccessLevel
    from apps.exchange.seeding import sample_matrix_ensure, sample_team_join

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed", verbosity=0)
    matrix = sample_matrix_ensure()
    for name in USERS:
        user = get_user_model().objects.create_user(name, password=os.environ["SCALEOUT_PASSWORD"])
        sample_team_join(user=user, access=AccessLevel.EDITOR)
    sys.stdout.write(matrix.slug + "\n")


if __name__ == "__main__":
    main()
