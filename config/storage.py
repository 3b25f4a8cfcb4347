"""How static files are stored: whitenoise's compressed files with hashed names (cached for a
year by browsers), and the imports between our JavaScript modules (static/js/grid/) rewritten
to those hashed names, so a module never loads another's stale copy."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
