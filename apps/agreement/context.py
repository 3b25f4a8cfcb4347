"""What the agreement panel shows, for the views and the matrix page's template tag alike."""

from django.utils import timezone

from apps.notices.models import AnnouncedActivity

from .selectors import agreement_summary, my_part, recent_events, review_of


def panel_context(request, matrix) -> dict:
    """The panel's context for a member of the matrix's team (a fixed number of queries)."""
    summary = agreement_summary(matrix)
    context = {
        "matrix": matrix,
        "summary": summary,
        "mine": my_part(matrix, request.user),
        "events": recent_events(matrix),
        "review": review_of(matrix),
        "objected": " ".join(f"{a}-{r}" for a, r in summary.objected_cells),
        "request": request,
        "today": timezone.localdate(),
    }
    if matrix.can_edit:
        context["without_account"] = [
            row.person for row in summary.rows if not row.person.has_account
        ]
        context["activities"] = list(matrix.activities.order_by("phase__position", "position"))
        context["announced"] = set(
            AnnouncedActivity.objects.filter(activity__matrix=matrix).values_list(
                "activity_id", flat=True
            )
        )
    return context
