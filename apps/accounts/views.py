"""Teams: the list of one's teams, a team's members and invites, joining by link, signing up.

Every team view reaches its team through ``access.team_for_user``; writes go through services.
Forms post normally and redirect; bad input re-renders the page with the message and a 400.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import services, throttling
from .access import team_for_user
from .forms import AccessForm, InviteForm, MemberAddForm, PreferencesForm, SignupForm, TeamForm
from .models import AccessLevel, Invite, Membership, Team

_ACCESS_RANK = Case(
    *(When(access=level, then=Value(i)) for i, level in enumerate(AccessLevel.values)),
    output_field=IntegerField(),
)


def _team_list(request: HttpRequest, form: TeamForm, status: int = 200) -> HttpResponse:
    services.team_ensure_personal(user=request.user)
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("team")
        .annotate(
            member_count=Count("team__memberships", distinct=True),
            matrix_count=Count("team__matrices", distinct=True),
        )
        # The user's own personal team first (a plain descending sort on personal_for would
        # put the NULLs first on PostgreSQL and last on SQLite).
        .annotate(
            own=Case(
                When(team__personal_for=request.user, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("own", "team__name", "team__pk")
    )
    return render(
        request,
        "accounts/team_list.html",
        {"memberships": memberships, "form": form},
        status=status,
    )


@require_GET
@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    return _team_list(request, TeamForm())


@require_POST
@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST)
    if not form.is_valid():
        return _team_list(request, form, status=400)
    team = services.team_create(name=form.cleaned_data["name"], owner=request.user)
    messages.success(request, f"You created “{team.name}”. Invite its members below.")
    return redirect("teams:detail", team.pk)


def _team_page(request: HttpRequest, team: Team, status: int = 200, **forms) -> HttpResponse:
    members = (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by(_ACCESS_RANK, "user__username")
    )
    context = {
        "team": team,
        "members": members,
        "access_levels": AccessLevel.choices,
        "matrix_count": team.matrices.count(),
    }
    if team.can_manage:
        context["invites"] = [
            (invite, request.build_absolute_uri(invite.get_absolute_url()))
            for invite in team.invites.pending().select_related("created_by")
        ]
        context["add_form"] = forms.get("add_form") or MemberAddForm(team=team)
        context["invite_form"] = forms.get("invite_form") or InviteForm()
        context["rename_form"] = forms.get("rename_form") or TeamForm(instance=team)
        context["invite_max_days"] = round(settings.INVITE_MAX_AGE / 86400, 1)
    return render(request, "accounts/team_detail.html", context, status=status)


@require_GET
@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _team_page(request, team_for_user(request.user, pk))


@require_POST
@login_required
def team_rename(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, manage=True)
    form = TeamForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, status=400, rename_form=form)
    services.team_rename(team=team, name=form.cleaned_data["name"])
    messages.success(request, "The team was renamed.")
    return redirect("teams:detail", team.pk)


@require_POST
@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, manage=True)
    form = MemberAddForm(request.POST, team=team)
    if not form.is_valid():
        return _team_page(request, team, status=400, add_form=form)
    try:
        membership = services.member_add(
            team=team, user=form.cleaned_data["user"], access=form.cleaned_data["access"]
        )
    except services.TeamError as error:
        form.add_error("user", str(error))
        return _team_page(request, team, status=400, add_form=form)
    messages.success(
        request,
        f"{membership.user.get_username()} joined as {membership.get_access_display().lower()}.",
    )
    return redirect("teams:detail", team.pk)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; for the htmx buttons that ask for confirmation first, a full page load."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _refused(request: HttpRequest, team: Team, error: services.TeamError) -> HttpResponse:
    messages.error(request, str(error))
    if request.htmx:
        return HttpResponseClientRedirect(reverse("teams:detail", args=[team.pk]))
    return _team_page(request, team, status=400)


# An owner who goes has seen the pending invite links (services._revoke_pending_invites).
_INVITES_REVOKED = " The team's pending invite links no longer work; create new ones as needed."


def _membership(team: Team, member_pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "team"), team=team, pk=member_pk
    )


@require_POST
@login_required
def member_access(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, manage=True)
    membership = _membership(team, member_pk)
    form = AccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, editor or viewer.")
        return _team_page(request, team, status=400)
    was_owner = membership.access == AccessLevel.OWNER
    try:
        services.member_change_access(membership=membership, access=form.cleaned_data["access"])
    except services.TeamError as error:
        messages.error(request, str(error))
        return _team_page(request, team, status=400)
    messages.success(
        request,
        f"{membership.user.get_username()} is now {membership.get_access_display().lower()}."
        + (_INVITES_REVOKED if was_owner and membership.access != AccessLevel.OWNER else ""),
    )
    return redirect("teams:detail", team.pk)


@require_POST
@login_required
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, manage=True)
    membership = _membership(team, member_pk)
    try:
        services.member_remove(membership=membership)
    except services.TeamError as error:
        return _refused(request, team, error)
    if membership.user_id == request.user.pk:
        messages.success(request, f"You left {team.name}.")
        return _go(request, reverse("teams:list"))
    messages.success(
        request,
        f"{membership.user.get_username()} was removed from {team.name}."
        + (_INVITES_REVOKED if membership.access == AccessLevel.OWNER else ""),
    )
    return _go(request, reverse("teams:detail", args=[team.pk]))


@require_POST
@login_required
def team_leave(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk)
    membership = Membership.objects.select_related("user", "team").get(team=team, user=request.user)
    try:
        services.member_remove(membership=membership)
    except services.TeamError as error:
        return _refused(request, team, error)
    messages.success(request, f"You left {team.name}.")
    return _go(request, reverse("teams:list"))


@require_POST
@login_required
def invite_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, manage=True)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, status=400, invite_form=form)
    invite = services.invite_create(
        team=team, access=form.cleaned_data["access"], created_by=request.user
    )
    messages.success(
        request,
        f"New invite link for one {invite.get_access_display().lower()}: copy it below and "
        "send it to the person you invite.",
    )
    return redirect(reverse("teams:detail", args=[team.pk]) + "#invites")


@require_POST
@login_required
def invite_revoke(request: HttpRequest, pk: int, invite_pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, manage=True)
    invite = get_object_or_404(Invite.objects.pending(), team=team, pk=invite_pk)
    services.invite_revoke(invite=invite)
    messages.success(request, "The invite link was revoked; it no longer works.")
    return redirect(reverse("teams:detail", args=[team.pk]) + "#invites")


@require_http_methods(["GET", "POST"])
def invite_join(request: HttpRequest, token: str) -> HttpResponse:
    """The invite link. Visitors are asked to log in (or sign up) and come back here."""
    invite = Invite.objects.select_related("team", "created_by").filter(token=token).first()
    if invite is None:
        raise Http404("This invite link is not valid.")
    problem = None
    if invite.accepted_at is not None:
        problem = "This invite link has already been used. Ask the team's owner for a new one."
    elif invite.is_expired:
        problem = "This invite link has expired. Ask the team's owner for a new one."
    elif (
        request.user.is_authenticated
        and Membership.objects.filter(team=invite.team, user=request.user).exists()
    ):
        problem = f"You are already a member of {invite.team.name}."
    context = {"invite": invite, "problem": problem, "allow_signup": settings.ALLOW_SIGNUP}
    if problem:
        return render(request, "accounts/invite_join.html", context, status=410)
    if request.method == "GET" or not request.user.is_authenticated:
        return render(request, "accounts/invite_join.html", context)
    try:
        membership = services.invite_accept(token=token, user=request.user)
    except services.TeamError as error:
        context["problem"] = str(error)
        return render(request, "accounts/invite_join.html", context, status=410)
    messages.success(
        request,
        f"Welcome to {membership.team.name}: you joined as "
        f"{membership.get_access_display().lower()}.",
    )
    return redirect("teams:detail", membership.team.pk)


def login_view(request: HttpRequest) -> HttpResponse:
    """Django's login view, offering sign-up where it is allowed."""
    return LoginView.as_view(
        redirect_authenticated_user=True, extra_context={"allow_signup": settings.ALLOW_SIGNUP}
    )(request)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Self sign-up, only where ALLOW_SIGNUP is on; otherwise staff create the users."""
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is turned off; ask your administrator for an account.")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_username()}.")
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=status
    )


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers to a locked-out login: a page that says why and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if throttling.address_locked(request):
        reason = (
            f"Logins from this address are paused for {minutes} minutes after "
            f"{settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS} failed logins from it, for any accounts."
        )
    else:
        reason = (
            f"This account is locked for {minutes} minutes after "
            f"{settings.LOGIN_FAILURE_LIMIT} failed attempts from this address."
        )
    return render(request, "registration/lockout.html", {"reason": reason}, status=429)


def form_message(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


@require_POST
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Remember how the person likes the grid (compact or not): 204 for the page's script,
    back to where they were without it."""
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form_message(form), status=400, content_type="text/plain")
    services.preferences_update(user=request.user, compact_grid=form.cleaned_data["compact_grid"])
    if request.htmx:
        return HttpResponse(status=204)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = settings.LOGIN_REDIRECT_URL
    return redirect(next_url)
