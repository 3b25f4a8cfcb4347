import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from ...seeding import sample_team_join


class Command(BaseCommand):
    help = (
        "On a database with no superuser, create one with a fresh random password and print "
        "the login once. Does nothing when a superuser exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, username, url, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(f"Open {url} and log in with your existing account.")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email="", password=password)
        sample_team_join(user=user)
        self.stdout.write(
            self.style.SUCCESS("Created a local administrator. This password is shown once:")
        )
        self.stdout.write(f"  URL:      {url}\n  Username: {username}\n  Password: {password}")
