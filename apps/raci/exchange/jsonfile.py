"""JSON: the lossless, versioned format (docs/json-format.md).

Version 2 adds who holds each role (``roles[].holders``) and the rule options about them;
version 3 the agreement (``matrix.agreement``: each holder's answer to their letters). Files of
versions 1 and 2 are still read (no holders in 1, no agreement in either).
"""

import json
from datetime import date, datetime
from typing import Any

from ..schemes import SCHEMES, get_scheme
from . import limits
from .document import (
    ANSWERS,
    DEFINITION_FIELDS,
    ActivityDoc,
    AgreementDoc,
    AnsweredLetter,
    HolderDoc,
    MatrixDocument,
    PhaseDoc,
    RoleDoc,
)
from .problems import ImportProblem

FORMAT = "raci-builder/matrix"
VERSION = 3
READS = (1, 2, 3)  # the versions read_json takes
OVERLAP_THRESHOLD_MAX = 1000
# Lists and objects inside one another: the format uses 7 (root, matrix, phases, a phase, its
# activities, an activity, its cells). Deeper files are refused, whether Python's parser (which
# recurses) gives up on them or not.
MAX_DEPTH = 20
TOO_DEEP = (
    f"The file nests too deeply: lists and objects more than {MAX_DEPTH} levels inside one "
    "another (a RACI Builder matrix needs 7)."
)


def to_data(doc: MatrixDocument) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": doc.exported_at.isoformat() if doc.exported_at else None,
        "matrix": {
            "title": doc.title,
            "slug": doc.slug,
            "description": doc.description,
            "scheme": doc.scheme,
            "options": {
                "accountable_does_work": doc.accountable_does_work,
                "overload_percent": doc.overload_percent,
                "overlap_threshold": doc.overlap_threshold,
                "unheld_roles_note": doc.unheld_roles_note,
                "shared_accountable_warning": doc.shared_accountable_warning,
            },
            "roles": [
                {
                    "key": role.key,
                    "name": role.name,
                    "short_label": role.short_label,
                    "kind": role.kind,
                    "summary": role.summary,
                    "definition": {name: getattr(role, name) for name in DEFINITION_FIELDS},
                    "holders": [
                        {"name": holder.name, "username": holder.username or None}
                        for holder in role.holders
                    ],
                }
                for role in doc.roles
            ],
            "phases": [
                {
                    "name": phase.name,
                    "activities": [
                        {
                            "name": activity.name,
                            "description": activity.description,
                            "cells": {
                                role.key: activity.cells[role.key]
                                for role in doc.roles
                                if role.key in activity.cells
                            },
                            "notes": {
                                role.key: activity.notes[role.key]
                                for role in doc.roles
                                if activity.notes.get(role.key)
                            },
                        }
                        for activity in phase.activities
                    ],
                }
                for phase in doc.phases
            ],
            "agreement": [_agreement_data(entry) for entry in doc.agreement],
        },
    }


def _agreement_data(entry: AgreementDoc) -> dict[str, Any]:
    return {
        "person": entry.person,
        "username": entry.username or None,
        "answer": entry.answer,
        "answered_at": entry.answered_at.isoformat() if entry.answered_at else None,
        "meeting_on": entry.meeting_on.isoformat() if entry.meeting_on else None,
        "version": entry.version or None,
        "letters": [
            {"activity": letter.activity, "role": letter.role, "letter": letter.letter}
            for letter in entry.letters
        ],
        "reason": entry.reason,
        "changed": entry.changed,
    }


def write_json(doc: MatrixDocument) -> str:
    return json.dumps(to_data(doc), ensure_ascii=False, indent=2) + "\n"


def read_json(data: bytes, *, title: str = "") -> MatrixDocument:
    if not data.strip():
        raise ImportProblem("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem("The file is not UTF-8 text.") from None
    try:
        root = json.loads(text)
    except RecursionError:  # Python's parser recurses: far deeper than MAX_DEPTH
        raise ImportProblem(TOO_DEEP) from None
    except json.JSONDecodeError as error:
        raise ImportProblem(
            f"This is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    return from_data(root, title=title)


def _data_depth(root) -> int:
    """How deeply parsed JSON nests (iteratively: no recursion on a hostile structure)."""
    deepest = 0
    stack = [(root, 1)] if isinstance(root, dict | list) else []
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def from_data(root, *, title: str = "") -> MatrixDocument:
    """The document held by parsed JSON (``to_data``'s output, or a file's); ImportProblem
    says what is wrong with it."""
    if _data_depth(root) > MAX_DEPTH:
        raise ImportProblem(TOO_DEEP)
    if not isinstance(root, dict) or root.get("format") != FORMAT:
        raise ImportProblem(f'This JSON is not a RACI Builder matrix (no "format": "{FORMAT}").')
    version = root.get("version")
    if isinstance(version, bool) or version not in READS:
        raise ImportProblem(
            f"This file is format version {version!r}; "
            f"this RACI Builder reads versions {', '.join(map(str, READS[:-1]))} and {READS[-1]}."
        )
    matrix = _object(root, "matrix", "the file")
    scheme_key = _text(matrix, "scheme", "matrix", default="raci")
    if scheme_key not in SCHEMES:
        raise ImportProblem(f'unknown scheme "{scheme_key}"; use one of {", ".join(SCHEMES)}')
    scheme = get_scheme(scheme_key)
    options = matrix.get("options") or {}
    if not isinstance(options, dict):
        raise ImportProblem('"options" must be an object')
    percent = options.get("overload_percent", 50)
    if not isinstance(percent, int) or isinstance(percent, bool) or not 1 <= percent <= 100:
        raise ImportProblem('"overload_percent" must be a whole number from 1 to 100')
    threshold = options.get("overlap_threshold", 3)
    if (
        not isinstance(threshold, int)
        or isinstance(threshold, bool)
        or not 0 <= threshold <= OVERLAP_THRESHOLD_MAX
    ):
        raise ImportProblem(
            f'"overlap_threshold" must be a whole number from 0 to {OVERLAP_THRESHOLD_MAX}'
        )
    unheld_note = options.get("unheld_roles_note", True)
    if not isinstance(unheld_note, bool):
        raise ImportProblem('"unheld_roles_note" must be true or false')
    shared_warning = options.get("shared_accountable_warning", True)
    if not isinstance(shared_warning, bool):
        raise ImportProblem('"shared_accountable_warning" must be true or false')

    roles = []
    limits.check_roles(len(_list(matrix, "roles", "matrix")))
    for i, item in enumerate(_list(matrix, "roles", "matrix"), start=1):
        where = f"role {i}"
        if not isinstance(item, dict):
            raise ImportProblem("must be an object", where=where)
        definition = item.get("definition") or {}
        if not isinstance(definition, dict):
            raise ImportProblem('"definition" must be an object', where=where)
        roles.append(
            RoleDoc(
                key=_text(item, "key", where),
                name=_text(item, "name", where),
                short_label=_text(item, "short_label", where, default=""),
                kind=_text(item, "kind", where, default="custom"),
                summary=_text(item, "summary", where, default=""),
                **{name: _text(definition, name, where, default="") for name in DEFINITION_FIELDS},
                holders=_holders(item, where),
            )
        )
    keys = [role.key for role in roles]
    if len(set(keys)) != len(keys):
        raise ImportProblem("two roles share a key")
    if len({role.name.lower() for role in roles}) != len(roles):
        raise ImportProblem("two roles share a name")

    phases, seen = [], set()
    limits.check_phases(len(_list(matrix, "phases", "matrix")))
    for p, item in enumerate(_list(matrix, "phases", "matrix"), start=1):
        where = f"phase {p}"
        if not isinstance(item, dict):
            raise ImportProblem("must be an object", where=where)
        phase = PhaseDoc(name=_text(item, "name", where))
        for a, entry in enumerate(_list(item, "activities", where), start=1):
            at = f"{where}, activity {a}"
            if not isinstance(entry, dict):
                raise ImportProblem("must be an object", where=at)
            activity = ActivityDoc(
                name=_text(entry, "name", at), description=_text(entry, "description", at, "")
            )
            if activity.name.lower() in seen:
                raise ImportProblem(f'duplicate activity "{activity.name}"', where=at)
            seen.add(activity.name.lower())
            limits.check_activities(len(seen))
            for field in ("cells", "notes"):
                values = entry.get(field) or {}
                if not isinstance(values, dict):
                    raise ImportProblem(f'"{field}" must be an object', where=at)
                for key, value in values.items():
                    if key not in keys:
                        raise ImportProblem(f'{field} name an unknown role "{key}"', where=at)
                    if not isinstance(value, str):
                        raise ImportProblem(f"{field} values must be text", where=at)
                    if field == "cells" and not scheme.has(value):
                        raise ImportProblem(
                            f'unknown letter "{value}" for role "{key}"; '
                            f"{scheme.name} uses {', '.join(scheme.codes)}",
                            where=at,
                        )
                getattr(activity, field).update(values)
            phase.activities.append(activity)
        phases.append(phase)

    exported = root.get("exported_at")
    try:
        exported_at = datetime.fromisoformat(exported) if isinstance(exported, str) else None
    except ValueError:
        exported_at = None  # informational only; ignored on import
    return MatrixDocument(
        title=title or _text(matrix, "title", "matrix"),
        slug=_text(matrix, "slug", "matrix", default=""),
        description=_text(matrix, "description", "matrix", default=""),
        scheme=scheme_key,
        roles=roles,
        phases=phases,
        accountable_does_work=bool(options.get("accountable_does_work", False)),
        overload_percent=percent,
        overlap_threshold=threshold,
        unheld_roles_note=unheld_note,
        shared_accountable_warning=shared_warning,
        exported_at=exported_at,
        agreement=_agreement(matrix) if version >= 3 else [],
    )


def _agreement(matrix: dict) -> list[AgreementDoc]:
    """The holders' answers (version 3): read and checked, kept with the document. An import
    makes a new matrix whose people have agreed to nothing yet, so it does not use them."""
    items = _list(matrix, "agreement", "matrix")
    limits.check_holders(len(items))
    entries = []
    for n, item in enumerate(items, start=1):
        at = f"agreement {n}"
        if not isinstance(item, dict):
            raise ImportProblem("must be an object", where=at)
        answer = _text(item, "answer", at)
        if answer not in ANSWERS:
            raise ImportProblem(
                f'unknown answer "{answer}"; use one of {", ".join(ANSWERS)}', where=at
            )
        letters = []
        for letter in _list(item, "letters", at):
            if not isinstance(letter, dict):
                raise ImportProblem("letters must be objects", where=at)
            letters.append(
                AnsweredLetter(
                    _text(letter, "activity", at),
                    _text(letter, "role", at),
                    _text(letter, "letter", at),
                )
            )
        changed = _list(item, "changed", at)
        if not all(isinstance(line, str) for line in changed):
            raise ImportProblem('"changed" must be a list of text', where=at)
        entries.append(
            AgreementDoc(
                person=_text(item, "person", at),
                answer=answer,
                username=_text(item, "username", at, default=""),
                answered_at=_moment(item, "answered_at", at, datetime),
                meeting_on=_moment(item, "meeting_on", at, date),
                version=_text(item, "version", at, default=""),
                letters=letters,
                reason=_text(item, "reason", at, default=""),
                changed=changed,
            )
        )
    return entries


def _moment(obj: dict, key: str, where: str, kind):
    value = _text(obj, key, where, default="")
    if not value:
        return None
    try:
        return kind.fromisoformat(value)
    except ValueError:
        raise ImportProblem(f'"{key}" is not a date', where=where) from None


def _holders(role: dict, where: str) -> list[HolderDoc]:
    """A role's holders: a list of {"name", "username" (optional)}; none in version 1."""
    items = _list(role, "holders", where)
    limits.check_holders(len(items))
    holders = []
    for h, item in enumerate(items, start=1):
        at = f"{where}, holder {h}"
        if not isinstance(item, dict):
            raise ImportProblem("must be an object", where=at)
        holders.append(
            HolderDoc(
                name=_text(item, "name", at).strip(),
                username=_text(item, "username", at, default="").strip(),
            )
        )
    return holders


_MISSING = object()


def _text(obj: dict, key: str, where: str, default: Any = _MISSING) -> str:
    value = obj.get(key, _MISSING)
    if value is _MISSING or value is None:
        if default is _MISSING:
            raise ImportProblem(f'"{key}" is missing', where=where)
        return default
    if not isinstance(value, str):
        raise ImportProblem(f'"{key}" must be text', where=where)
    if default is _MISSING and not value.strip():
        raise ImportProblem(f'"{key}" is empty', where=where)
    return value


def _list(obj: dict, key: str, where: str) -> list:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise ImportProblem(f'"{key}" must be a list', where=where)
    return value


def _object(obj: dict, key: str, where: str) -> dict:
    value = obj.get(key)
    if not isinstance(value, dict):
        raise ImportProblem(f'"{key}" is missing or not an object', where=where)
    return value
