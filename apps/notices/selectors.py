from apps.accounts.models import Membership

from .models import EmailChoice, Notice, Preference


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at=None).count()


def recent(user, limit: int = 100) -> list[Notice]:
    """The user's own notices, newest first, of the teams they are still in."""
    return list(
        Notice.objects.filter(user=user, team__memberships__user=user).select_related("matrix")[
            :limit
        ]
    )


def team_choices(user) -> list[tuple]:
    """Each of the user's teams with their mail choice for it (two queries)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("team_id", "email"))
    return [
        (m.team, chosen.get(m.team_id, EmailChoice.EVERY))
        for m in Membership.objects.filter(user=user).select_related("team").order_by("team__name")
    ]
