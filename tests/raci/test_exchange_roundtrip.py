"""Property tests: what the exchange writers write, their readers read back."""

import importlib.util
from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.raci.exchange.cells import FORMULA_STARTS
from apps.raci.exchange.csvfile import read_csv, write_csv
from apps.raci.exchange.document import (
    DEFINITION_FIELDS,
    ActivityDoc,
    MatrixDocument,
    PhaseDoc,
    RoleDoc,
)
from apps.raci.exchange.jsonfile import read_json, write_json
from apps.raci.exchange.problems import ImportProblem
from apps.raci.schemes import SCHEMES

PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces names are made of: separators and quotes of the file formats, HTML, a formula,
# accented, Cyrillic and CJK letters, the header words, and a newline (only ever inside a
# name: names are stripped). Mixed with arbitrary printable characters.
FRAGMENTS = (",", '"', "'", ";", "|", " ", "\n", "<b>", "=cmd", "é", "Ж", "中", "Activity", "phase")
PRINTABLE = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
# Descriptions and notes: any text without control characters other than the newline.
TEXT = st.lists(st.one_of(PRINTABLE, st.just("\n"), st.sampled_from(FRAGMENTS)), max_size=12).map(
    "".join
)


def names(*, leave_out: str = "", formula_starts: bool = True):
    """Names as the app has them: non-empty, no white space at either end."""
    pieces = st.one_of(
        st.sampled_from([f for f in FRAGMENTS if not set(f) & set(leave_out)]),
        st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters=leave_out),
    )
    text = st.lists(pieces, min_size=1, max_size=6).map("".join).map(str.strip).filter(bool)
    if not formula_starts:
        text = text.filter(lambda name: not name.startswith(FORMULA_STARTS))
    return text


# Every name, quotes, semicolons and formula-like starts included (JSON and XLSX).
ANY_NAMES = names()
# CSV. read_csv strips every cell but keeps what is inside a quoted field, so newlines inside
# names survive; quotes, semicolons, apostrophes and formula-like starts are all generated.
CSV_NAMES = names()


@st.composite
def documents(draw, name_text=ANY_NAMES):
    scheme = draw(st.sampled_from(list(SCHEMES.values())))
    role_names = draw(st.lists(name_text, min_size=1, max_size=6, unique_by=str.casefold))
    keys = draw(
        st.lists(
            st.text(min_size=1, max_size=8).filter(str.strip),
            min_size=len(role_names),
            max_size=len(role_names),
            unique=True,
        )
    )
    roles = [
        RoleDoc(
            key=key,
            name=name,
            short_label=draw(st.text(max_size=6)),
            kind=draw(st.sampled_from(["core", "supporting", "custom"])),
            summary=draw(TEXT),
            **{field: draw(TEXT) for field in DEFINITION_FIELDS},
        )
        for key, name in zip(keys, role_names, strict=True)
    ]
    phase_names = draw(st.lists(name_text, min_size=1, max_size=4, unique_by=str.casefold))
    counts = [draw(st.integers(min_value=0, max_value=8)) for _ in phase_names]
    activity_names = iter(
        draw(
            st.lists(name_text, min_size=sum(counts), max_size=sum(counts), unique_by=str.casefold)
        )
    )
    cells = st.dictionaries(st.sampled_from(keys), st.sampled_from(scheme.codes))
    notes = st.dictionaries(st.sampled_from(keys), TEXT.filter(bool), max_size=2)
    phases = [
        PhaseDoc(
            name=phase_name,
            activities=[
                ActivityDoc(
                    name=next(activity_names),
                    description=draw(TEXT),
                    cells=draw(cells),
                    notes=draw(notes),
                )
                for _ in range(count)
            ],
        )
        for phase_name, count in zip(phase_names, counts, strict=True)
    ]
    return MatrixDocument(
        title=draw(name_text),
        scheme=scheme.key,
        description=draw(TEXT),
        roles=roles,
        phases=phases,
        accountable_does_work=draw(st.booleans()),
        overload_percent=draw(st.integers(min_value=1, max_value=100)),
        slug=draw(st.text(max_size=10)),
        exported_at=draw(st.none() | st.datetimes(timezones=st.just(UTC))),
    )


def cells_of(doc: MatrixDocument) -> set[tuple[str, str, str, str]]:
    """Every assigned cell as (phase name, activity name, role name, letter)."""
    role_names = {role.key: role.name for role in doc.roles}
    return {
        (phase.name, activity.name, role_names[key], code)
        for phase, activity in doc.activities()
        for key, code in activity.cells.items()
    }


def rows_of(doc: MatrixDocument) -> list[tuple[str, str]]:
    return [(phase.name, activity.name) for phase, activity in doc.activities()]


def assert_same_table(back: MatrixDocument, doc: MatrixDocument) -> None:
    assert back.scheme == doc.scheme
    assert [role.name for role in back.roles] == [role.name for role in doc.roles]
    assert rows_of(back) == rows_of(doc)
    assert cells_of(back) == cells_of(doc)


@PROPERTIES
@given(documents())
def test_it_reads_back_every_json_it_writes(doc):
    # Findings are not part of the file; the generated documents have none.
    assert read_json(write_json(doc).encode()) == doc


@PROPERTIES
@given(documents(CSV_NAMES))
def test_it_reads_back_every_cell_of_a_csv_it_writes(doc):
    data = write_csv(doc).encode()
    if doc.activity_count == 0:
        with pytest.raises(ImportProblem, match="no activities"):
            read_csv(data, scheme=doc.scheme)
        return
    assert_same_table(read_csv(data, scheme=doc.scheme), doc)


@pytest.mark.skipif(
    importlib.util.find_spec("apps.raci.exchange.xlsx") is None,
    reason="apps/raci/exchange/xlsx/ is not written yet",
)
@PROPERTIES
@given(documents())
def test_it_reads_back_every_cell_of_an_xlsx_it_writes(doc):
    from apps.raci.exchange.xlsx import read_xlsx, write_xlsx

    data = write_xlsx(doc)
    if doc.activity_count == 0:
        with pytest.raises(ImportProblem):
            read_xlsx(data)
        return
    back = read_xlsx(data)
    assert_same_table(back, doc)
    assert back.title == doc.title


@pytest.mark.skipif(
    importlib.util.find_spec("apps.raci.exchange.xlsx") is None,
    reason="apps/raci/exchange/xlsx/ is not written yet",
)
def test_it_keeps_a_leading_apostrophe_that_is_part_of_a_name_in_xlsx():
    from apps.raci.exchange.xlsx import read_xlsx, write_xlsx

    doc = MatrixDocument(
        title="'=not a formula",
        roles=[RoleDoc(key="crew", name="'+1 crew")],
        phases=[
            PhaseDoc(
                "Plan", [ActivityDoc("'-- draft --'", cells={"crew": SCHEMES["raci"].codes[0]})]
            )
        ],
    )
    back = read_xlsx(write_xlsx(doc))
    assert back.title == doc.title
    assert [role.name for role in back.roles] == ["'+1 crew"]
    assert [activity.name for _, activity in back.activities()] == ["'-- draft --'"]
