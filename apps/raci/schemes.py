"""Responsibility-assignment schemes as data.

This is the only module that names the letters of a scheme. Everything else (models, templates,
stylesheet colours, rule engine, exports) asks a Scheme for its letters.

Each letter has a *kind*, the part it plays in an activity, so that rules and mappings between
schemes can be written once: DACI's Approver plays the same part as RACI's Accountable.
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    ACCOUNTABLE = "accountable"  # owns the outcome and signs it off
    RESPONSIBLE = "responsible"  # does (or drives) the work
    SUPPORT = "support"  # helps the responsible role do the work
    CONSULTED = "consulted"  # gives input before or during the work (two-way)
    INFORMED = "informed"  # is kept up to date (one-way)


@dataclass(frozen=True, slots=True)
class Letter:
    code: str
    name: str
    kind: Kind
    question: str
    description: str
    color: str  # background, as #rrggbb
    ink: str  # text colour on that background, as #rrggbb (contrast >= 4.5:1)


@dataclass(frozen=True, slots=True)
class Scheme:
    key: str
    name: str
    description: str
    letters: tuple[Letter, ...]
    # Kinds that exactly one role must hold on every activity.
    exactly_one: tuple[Kind, ...]
    # Kinds that at least one role must hold on every activity.
    at_least_one: tuple[Kind, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(letter.code for letter in self.letters)

    def letter(self, code: str) -> Letter:
        for letter in self.letters:
            if letter.code == code:
                return letter
        raise KeyError(f"{code!r} is not a letter of {self.name}")

    def has(self, code: str) -> bool:
        return code in self.codes

    def code_for(self, kind: Kind) -> str | None:
        for letter in self.letters:
            if letter.kind == kind:
                return letter.code
        return None


_RESPONSIBLE = Letter(
    code="R",
    name="Responsible",
    kind=Kind.RESPONSIBLE,
    question="Who does the work?",
    description="Does the work to complete the activity.",
    color="#1d4ed8",
    ink="#ffffff",
)
_ACCOUNTABLE = Letter(
    code="A",
    name="Accountable",
    kind=Kind.ACCOUNTABLE,
    question="Who owns the outcome?",
    description="Answers for the outcome and signs it off; exactly one per activity.",
    color="#b91c1c",
    ink="#ffffff",
)
_CONSULTED = Letter(
    code="C",
    name="Consulted",
    kind=Kind.CONSULTED,
    question="Whose input is needed?",
    description="Gives input before the work is done or decided; two-way communication.",
    color="#fcd34d",
    ink="#422006",
)
_INFORMED = Letter(
    code="I",
    name="Informed",
    kind=Kind.INFORMED,
    question="Who needs to know?",
    description="Is kept up to date on progress or decisions; one-way communication.",
    color="#e2e8f0",
    ink="#1e293b",
)

RACI = Scheme(
    key="raci",
    name="RACI",
    description="Responsible, Accountable, Consulted, Informed.",
    letters=(_RESPONSIBLE, _ACCOUNTABLE, _CONSULTED, _INFORMED),
    exactly_one=(Kind.ACCOUNTABLE,),
    at_least_one=(Kind.RESPONSIBLE,),
)

RASCI = Scheme(
    key="rasci",
    name="RASCI",
    description="RACI plus Support: roles that help the responsible role do the work.",
    letters=(
        _RESPONSIBLE,
        _ACCOUNTABLE,
        Letter(
            code="S",
            name="Support",
            kind=Kind.SUPPORT,
            question="Who helps do the work?",
            description="Provides resources or help to the responsible role.",
            color="#6d28d9",
            ink="#ffffff",
        ),
        _CONSULTED,
        _INFORMED,
    ),
    exactly_one=(Kind.ACCOUNTABLE,),
    at_least_one=(Kind.RESPONSIBLE,),
)

DACI = Scheme(
    key="daci",
    name="DACI",
    description="Driver, Approver, Contributors, Informed: for decisions.",
    letters=(
        Letter(
            code="D",
            name="Driver",
            kind=Kind.RESPONSIBLE,
            question="Who drives the decision?",
            description="Drives the decision to a conclusion; exactly one per activity.",
            color="#0f766e",
            ink="#ffffff",
        ),
        Letter(
            code="A",
            name="Approver",
            kind=Kind.ACCOUNTABLE,
            question="Who makes the final call?",
            description="Makes the final decision; exactly one per activity.",
            color="#b91c1c",
            ink="#ffffff",
        ),
        Letter(
            code="C",
            name="Contributor",
            kind=Kind.CONSULTED,
            question="Who brings knowledge?",
            description="Brings knowledge or expertise that shapes the decision.",
            color="#fcd34d",
            ink="#422006",
        ),
        _INFORMED,
    ),
    exactly_one=(Kind.RESPONSIBLE, Kind.ACCOUNTABLE),
    at_least_one=(),
)

SCHEMES: dict[str, Scheme] = {scheme.key: scheme for scheme in (RACI, RASCI, DACI)}
DEFAULT_SCHEME = RACI

# Every letter any scheme uses, for a database check constraint.
ALL_CODES: tuple[str, ...] = tuple(
    sorted({letter.code for scheme in SCHEMES.values() for letter in scheme.letters})
)


def get_scheme(key: str) -> Scheme:
    try:
        return SCHEMES[key]
    except KeyError:
        raise KeyError(f"unknown scheme {key!r}; known: {', '.join(SCHEMES)}") from None


def scheme_choices() -> list[tuple[str, str]]:
    return [(scheme.key, scheme.name) for scheme in SCHEMES.values()]


def letter_named(code: str) -> Letter:
    """The letter ``code`` of whichever scheme has it (for cells left over from another scheme)."""
    for scheme in SCHEMES.values():
        if scheme.has(code):
            return scheme.letter(code)
    return Letter(code, code, Kind.INFORMED, "", "an unknown letter", "#e2e8f0", "#1e293b")
