"""The matrix page names every JavaScript module it will import in <link rel="modulepreload">,
so that the browser fetches them together, not one level of imports after another. The list is
computed from the modules' imports (apps/matrices/templatetags/modules.py)."""

import re
from pathlib import Path

from django.templatetags.static import static

from apps.matrices.templatetags.modules import imports_of, module_graph

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_it_reads_every_kind_of_static_import():
    source = """
import * as blocks from "./blocks.js";
import { a,
  b } from './dom.js';
import "./side-effect.js";
export { c } from "../shared/c.js";
export * from "./all.js";
import lib from "some-package";
// import { old } from "./commented-out.js";
const text = "import nothing from './x.js'";
export function later() { return import("./lazy.js"); }
"""
    assert imports_of(source, "js/grid/index.js") == [
        "js/grid/blocks.js",
        "js/grid/dom.js",
        "js/grid/side-effect.js",
        "js/shared/c.js",
        "js/grid/all.js",
    ]


def test_the_grids_graph_holds_every_module_its_files_import():
    graph = module_graph("js/grid/index.js")
    assert graph[0] == "js/grid/index.js"
    assert len(graph) == len(set(graph))
    # Checked against the files themselves, with a plainer reading of their imports.
    for path in graph:
        text = (STATIC / path).read_text(encoding="utf-8")
        for name in re.findall(r"""from\s+["']\./([\w-]+\.js)["']""", text):
            assert f"js/grid/{name}" in graph, f"{path} imports {name}, not preloaded"
    on_disk = {f"js/grid/{p.name}" for p in (STATIC / "js" / "grid").glob("*.js")}
    assert set(graph) == on_disk, "a grid module nothing imports, or one outside the folder"


def test_the_matrix_and_share_pages_preload_every_module(client, django_user_model):
    from apps.exchange.seeding import sample_matrix_ensure, sample_team_join
    from apps.sharing.services import share_link_create

    user = django_user_model.objects.create_user("pre", password="pw")
    sample_team_join(user=user, access="owner")
    matrix = sample_matrix_ensure()
    client.force_login(user)
    wanted = [static(path) for path in module_graph("js/grid/index.js")]
    link = share_link_create(matrix=matrix, by=user)
    for url in (matrix.get_absolute_url(), link.get_absolute_url()):
        text = client.get(url).text
        head = text.split("</head>", 1)[0]
        preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', head)
        assert preloads == wanted, url
        assert f'<script src="{static("js/grid/index.js")}" type="module">' in text
