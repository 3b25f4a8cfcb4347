"""Every import between the apps points down the layers, never up.

From the bottom: accounts (users, teams), catalog (roles, which may belong to a team), matrices,
people (who holds a matrix's role columns; matrices reads them through a hook it offers,
apps/matrices/holders.py). The apps above them (history, exchange, sharing, workshops) use the
lower ones freely. Seeding
the sample team and matrix needs all three, so it lives above them (apps/exchange/seeding.py),
not in catalog or accounts.
"""

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parent.parent / "apps"

# What each of the lower apps must not import (the apps above it).
# The agreement and the notices listen to the matrices' changes: nothing below imports them,
# and the notices (what a person is told) know nothing of the agreement, which uses them.
LISTENERS = ("notices", "agreement")
# The API (apps/api) sits with the views, at the top; webhooks (apps/webhooks) listen, as the
# history and the live layer do: no app below imports either.
TOP = ("api", "webhooks")
ABOVE = {
    "accounts": (
        "catalog",
        "matrices",
        "people",
        "history",
        "exchange",
        "sharing",
        "workshops",
        *LISTENERS,
        *TOP,
    ),
    "catalog": (
        *("matrices", "people", "history", "exchange", "sharing", "workshops"),
        *LISTENERS,
        *TOP,
    ),
    "matrices": ("people", "history", "exchange", "sharing", "workshops", "live", *LISTENERS, *TOP),
    "people": ("history", "exchange", "sharing", "workshops", "live", *LISTENERS, *TOP),
    "notices": ("agreement", "exchange", "live", *TOP),
    "agreement": TOP,
    "history": TOP,
    "exchange": TOP,
    "sharing": TOP,
    "workshops": TOP,
    "live": TOP,
    "webhooks": ("api",),
}


def imported_modules(source: str, package: str) -> set[str]:
    """The modules ``source`` (a module of ``package``) imports, relative imports resolved."""
    found = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            if module == "apps":  # from apps import matrices
                found.update(f"apps.{alias.name}" for alias in node.names)
    return found


def upward_imports(app: str) -> list[str]:
    forbidden = {f"apps.{name}" for name in ABOVE[app]}
    problems = []
    for path in sorted((APPS / app).rglob("*.py")):
        package = ".".join(path.relative_to(APPS.parent).parts[:-1])
        for module in sorted(imported_modules(path.read_text(encoding="utf-8"), package)):
            if ".".join(module.split(".")[:2]) in forbidden:
                problems.append(f"{path.relative_to(APPS.parent)} imports {module}")
    return problems


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_it_keeps_the_lower_apps_free_of_imports_from_above(app):
    problems = upward_imports(app)
    assert not problems, "imports that point up the layers:\n  " + "\n  ".join(problems)


def test_it_sees_relative_imports_too():
    source = "from ....matrices.models import Matrix\nfrom ...models import Role\n"
    found = imported_modules(source, "apps.catalog.management.commands")
    assert found == {"apps.matrices.models", "apps.catalog.models"}
