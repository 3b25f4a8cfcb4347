"""Hostile or oversized files meet a clear ImportProblem, quickly and in bounded memory.

Each reader refuses what no matrix could be: JSON nested deeper than the format, spreadsheets
larger than an import may hold (rows and columns), before doing work in proportion to what the
file claims.
"""

import json

import pytest

from apps.raci.exchange.jsonfile import MAX_DEPTH, from_data, read_json, to_data
from apps.raci.exchange.problems import ImportProblem
from tests.raci.test_exchange_text import sample

TOO_DEEP = "nests too deeply"


def header(matrix_json: str) -> bytes:
    return (
        '{"format": "raci-builder/matrix", "version": 1, "matrix": ' + matrix_json + "}"
    ).encode()


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        header('{"a": ' * 100_000 + "1" + "}" * 100_000),
        header('{"title": "T", "phases": [' + "[" * 50_000 + "]" * 50_000 + "]}"),
    ],
    ids=["lists", "objects", "matrix-value", "inside-phases"],
)
def test_it_refuses_json_nested_too_deeply_with_a_clear_message(data):
    with pytest.raises(ImportProblem, match=TOO_DEEP):
        read_json(data)


def test_it_refuses_json_nested_deeper_than_the_format_even_when_python_could_parse_it():
    """The limit is the format's, not the interpreter's recursion limit: a file is refused
    the same way whatever the stack depth at which it is read."""
    nested = "1"
    for _ in range(MAX_DEPTH):
        nested = '{"a": ' + nested + "}"
    data = header('{"title": "T", "options": ' + nested + "}")
    json.loads(data)  # valid JSON
    with pytest.raises(ImportProblem, match=TOO_DEEP):
        read_json(data)
    with pytest.raises(ImportProblem, match=TOO_DEEP):
        from_data(json.loads(data))


def test_it_still_reads_every_level_the_format_uses():
    doc = sample()
    doc.roles[0].focus = "Outcomes"  # the definition object: the deepest level but one
    doc.phases[0].activities[0].notes[doc.roles[0].key] = "Signs off"
    back = read_json(json.dumps(to_data(doc)).encode())
    assert back.roles == doc.roles
    assert back.phases == doc.phases
