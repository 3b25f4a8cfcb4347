"""``{% module_preloads "js/grid/index.js" %}``: a ``<link rel="modulepreload">`` for a JavaScript
module and every module it imports, however deep, so that the browser fetches them all at once
instead of one level of imports after another (the grid's 11 modules were a chain three levels
deep: most of the time to an editable page).

The import graph is read from the modules themselves (their static ``import ... from "./x.js"``
and ``export ... from`` lines), so nothing is kept by hand; the links point at the hashed names
of the manifest storage, as the imports inside the collected files do. Read once per process,
and on each page under DEBUG, where the files change.
"""

import posixpath
import re
from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.utils.html import format_html_join

register = template.Library()

# A static import or re-export: `import x from "./a.js"`, `import {a,\n b} from "./b.js"`,
# `import "./c.js"`, `export { d } from "./d.js"`. Dynamic import() is not followed.
IMPORT = re.compile(
    r"""^\s*(?:import|export)\b(?:[^'";]*?\bfrom)?\s*["']([^"']+)["']""",
    re.MULTILINE,
)


def _source(path: str) -> str:
    found = finders.find(path)
    if found:
        with open(found, encoding="utf-8") as file:
            return file.read()
    with staticfiles_storage.open(path) as file:  # only the collected files are deployed
        return file.read().decode("utf-8")


def imports_of(source: str, path: str) -> list[str]:
    """The static paths ``path``'s module imports (relative ones; bare names and URLs are not
    ours to preload)."""
    found = []
    for spec in IMPORT.findall(source):
        if spec.startswith(("./", "../")):
            found.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), spec)))
    return found


def module_graph(entry: str) -> list[str]:
    """``entry`` and every module it imports, directly or not, each once, in the order met."""
    seen: list[str] = []
    pending = [entry]
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.append(path)
        pending.extend(imports_of(_source(path), path))
    return seen


_cached_graph = cache(module_graph)


@register.simple_tag
def module_preloads(entry: str) -> str:
    paths = module_graph(entry) if settings.DEBUG else _cached_graph(entry)
    return format_html_join(
        "", '<link rel="modulepreload" href="{}">', ((static(path),) for path in paths)
    )
