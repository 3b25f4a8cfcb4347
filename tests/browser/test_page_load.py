"""The matrix page's JavaScript modules arrive together: every module the browser loads was
named by a <link rel="modulepreload"> (so none waits for the module importing it), and each is
fetched once (a preload under another URL than the import's would fetch it twice)."""

import pytest

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
READY = "() => performance.getEntriesByName('raci:interactive').length"


def test_every_module_the_matrix_page_imports_was_preloaded(login, server):
    page = login("mona", width=1440, height=900)
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(server.url + SAMPLE)
    page.wait_for_function(READY)
    preloaded = page.evaluate(
        "[...document.querySelectorAll('head link[rel=modulepreload]')].map(l => l.href)"
    )
    classic = page.evaluate(
        "[...document.querySelectorAll('script[src]:not([type=module])')].map(s => s.src)"
    )
    modules = [url for url in scripts if url not in classic]
    assert len(modules) >= 11, modules  # the grid's modules, index.js first
    assert sorted(modules) == sorted(preloaded), "modules loaded and modules preloaded differ"
    assert len(set(modules)) == len(modules), "a module was fetched twice"
