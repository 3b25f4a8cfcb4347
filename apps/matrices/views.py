from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.services import team_ensure_personal
from apps.raci.styles import scheme_stylesheet

from .access import matrix_for_user
from .forms import MatrixCreateForm
from .selectors import matrices_for_home, matrix_grid
from .services import matrix_create


def _home(request: HttpRequest, form: MatrixCreateForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "matrices/home.html",
        {"matrices": matrices_for_home(request.user), "form": form},
        status=status,
    )


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    personal = team_ensure_personal(user=request.user)
    templates = MatrixCreateForm(user=request.user).fields["template"].queryset
    form = MatrixCreateForm(
        user=request.user, initial={"team": personal.pk, "template": templates.first()}
    )
    return _home(request, form)


@require_POST
@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = MatrixCreateForm(request.POST, user=request.user)
    if not form.is_valid():
        return _home(request, form, status=400)
    matrix = matrix_create(
        title=form.cleaned_data["title"],
        team=form.cleaned_data["team"],
        created_by=request.user,
        template=form.cleaned_data["template"],
    )
    return redirect(matrix)


@require_GET
@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug)
    grid = matrix_grid(matrix)
    return render(request, "matrices/detail.html", {"matrix": matrix, "grid": grid})


@require_GET
@cache_control(max_age=3600, public=True)
def scheme_css(request: HttpRequest) -> HttpResponse:
    """The scheme letters' colours as a stylesheet, so CSS never hard-codes a letter."""
    return HttpResponse(scheme_stylesheet(), content_type="text/css; charset=utf-8")
