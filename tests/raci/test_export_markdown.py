"""The Markdown export shows every name as the text it is: no link, image, HTML, emphasis, code,
heading or list comes out of a user's text in any renderer, and the table keeps its columns."""

import re

import pytest

from apps.raci.exchange.document import ActivityDoc, MatrixDocument, PhaseDoc, RoleDoc
from apps.raci.exchange.markdown import write_markdown

HOSTILE = {
    "link": ("[click](javascript:alert(1))", r"\[click\](javascript:alert(1))"),
    "image": ("![x](https://evil.example/x.png)", r"!\[x\](https://evil.example/x.png)"),
    "reference": ("[a][1] and [1]: javascript:x", r"\[a\]\[1\] and \[1\]: javascript:x"),
    "html": ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    "autolink": ("<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;"),
    "entity": ("&lt;b&gt; &#106;", "&amp;lt;b&amp;gt; &amp;#106;"),
    "emphasis": ("**bold** _it_ *it*", r"\*\*bold\*\* \_it\_ \*it\*"),
    "code": ("`rm -rf`", r"\`rm -rf\`"),
    "strike": ("~~gone~~", r"\~\~gone\~\~"),
    "math": ("$x^2$", r"\$x^2\$"),
    "pipe": ("a | b", r"a \| b"),
    "backslash": ("C:\\temp\\", r"C:\\temp\\"),
    "heading": ("# Owned", r"\# Owned"),
    "list": ("- item", r"\- item"),
    "ordered": ("1. first", r"1\. first"),
    "plus": ("+ more", r"\+ more"),
    "rule": ("---", r"\---"),
    "setext": ("===", r"\==="),
    "quote": ("> said", "&gt; said"),
    "lines": ("one\n# two\n\n- three", "one # two - three"),
}


def document(name: str) -> MatrixDocument:
    return MatrixDocument(
        title=name,
        description=name,
        roles=[RoleDoc(key="r", name=name, short_label=name[:12] or "R")],
        phases=[PhaseDoc(name, [ActivityDoc(name, cells={"r": "R"})])],
    )


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_it_escapes_markdown_syntax_in_every_name(case):
    text, escaped = HOSTILE[case]
    out = write_markdown(document(text))
    lines = out.splitlines()
    assert lines[0] == f"# {escaped}"  # the title
    assert lines[2] == escaped  # the description
    row = next(line for line in lines if line.startswith("| ") and "| R |" in line)
    assert row == f"| {escaped} | {escaped} | R |"


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_table_keeps_its_columns(case):
    out = write_markdown(document(HOSTILE[case][0]))
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert len(table) == 3
    assert {unescaped_pipes(line) for line in table} == {4}


def test_plain_names_stay_readable():
    out = write_markdown(document("Define the vision (v2), then ship it: 3 weeks"))
    assert "| Define the vision (v2), then ship it: 3 weeks |" in out
