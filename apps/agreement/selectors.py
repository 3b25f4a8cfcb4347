"""Reads of the agreement: a matrix's state for its team, a person's own part."""

from dataclasses import dataclass, field

from django.utils import timezone

from apps.matrices.models import Matrix
from apps.notices.letters import Held, fingerprint, letters_of
from apps.people.models import Holder, Person

from .models import Agreement, Event, Review, State
from .services import holders_of


@dataclass(slots=True)
class Row:
    person: Person
    agreement: Agreement | None

    @property
    def state(self) -> str:
        return self.agreement.state if self.agreement else "not_asked"

    @property
    def state_label(self) -> str:
        return State(self.agreement.state).label if self.agreement else "Not asked"


@dataclass(slots=True)
class Summary:
    rows: list[Row]
    agreed: int = 0
    waiting: int = 0
    objected: int = 0
    outdated: int = 0
    objected_cells: list[tuple[int, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def asked(self) -> int:
        return sum(1 for row in self.rows if row.agreement is not None)

    @property
    def not_asked(self) -> int:
        return self.total - self.asked

    @property
    def pending(self) -> list[str]:
        """What keeps the matrix from being agreed, in words: "2 waiting", "1 objected"."""
        parts = [
            (self.waiting, "waiting"),
            (self.outdated, "out of date"),
            (self.objected, "objected"),
            (self.not_asked, "not asked"),
        ]
        return [f"{n} {what}" for n, what in parts if n]

    @property
    def everyone(self) -> bool:
        return bool(self.rows) and self.agreed == self.total

    @property
    def objections(self) -> list[Row]:
        return [row for row in self.rows if row.state == State.OBJECTED]


def agreement_summary(matrix: Matrix) -> Summary:
    """Every holder of the matrix with their answer, and the counts (two queries)."""
    people = holders_of(matrix)
    answers = {a.person_id: a for a in Agreement.objects.filter(matrix=matrix)}
    summary = Summary([Row(person, answers.get(person.pk)) for person in people])
    for row in summary.rows:
        state = row.state
        if state == State.AGREED:
            summary.agreed += 1
        elif state == State.WAITING:
            summary.waiting += 1
        elif state == State.OUTDATED:
            summary.outdated += 1
        elif state == State.OBJECTED:
            summary.objected += 1
            summary.objected_cells += [tuple(cell) for cell in row.agreement.objected]
    return summary


@dataclass(slots=True)
class MyPart:
    """The signed-in person's own letters in a matrix, as they would answer to them."""

    matrix: Matrix
    person: Person
    letters: list[tuple[tuple[int, int], Held]]
    fingerprint: str
    agreement: Agreement | None

    @property
    def state(self) -> str:
        return self.agreement.state if self.agreement else "not_asked"

    @property
    def rows(self) -> list[dict]:
        """Each letter with the key the form sends ("<activity>-<role>") and whether the
        person's standing objection names it."""
        objected = set()
        if self.agreement is not None and self.agreement.state == State.OBJECTED:
            objected = {f"{a}-{r}" for a, r in self.agreement.objected}
        return [
            {"key": f"{a}-{r}", "held": held, "objected": f"{a}-{r}" in objected}
            for (a, r), held in self.letters
        ]


def my_part(matrix: Matrix, user) -> MyPart | None:
    """The user's letters in the matrix and their answer; None when they hold no role in it."""
    person = Person.objects.filter(team_id=matrix.team_id, user=user).first()
    if person is None:
        return None
    if not Holder.objects.filter(matrix=matrix, person=person, role__columns__matrix=matrix):
        return None
    letters = letters_of(matrix.pk, [person.pk]).get(person.pk, {})
    return MyPart(
        matrix=matrix,
        person=person,
        letters=sorted(letters.items(), key=lambda item: (item[1].activity.casefold(), item[0])),
        fingerprint=fingerprint(letters),
        agreement=Agreement.objects.filter(matrix=matrix, person=person).first(),
    )


def asked_of(user) -> list[MyPart]:
    """The matrices where the user's answer is awaited (asked, or out of date), each with their
    letters: what My responsibilities shows them to answer."""
    agreements = Agreement.objects.filter(
        person__user=user,
        state__in=(State.WAITING, State.OUTDATED),
        matrix__team__memberships__user=user,
    ).select_related("matrix__team", "person")
    parts = []
    for agreement in agreements:
        part = my_part(agreement.matrix, user)
        if part is not None:
            parts.append(part)
    return sorted(parts, key=lambda part: part.matrix.title.casefold())


def recent_events(matrix: Matrix, limit: int = 20) -> list[Event]:
    return list(Event.objects.filter(matrix=matrix).select_related("by")[:limit])


def review_of(matrix: Matrix) -> Review | None:
    return Review.objects.filter(matrix=matrix).first()


def reviews_due(matrix_ids) -> set[int]:
    """Which of these matrices are due for review (one query)."""
    return set(
        Review.objects.filter(
            matrix__in=list(matrix_ids), due_on__lte=timezone.localdate()
        ).values_list("matrix_id", flat=True)
    )
