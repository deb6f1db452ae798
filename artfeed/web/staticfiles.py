"""Static files as production serves them: hashed names, compressed copies."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage

_, _MODULE_IMPORTS = CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The display's scripts are ES modules that import each other
    (``import { onKey } from "./keys.js";``). Each import is rewritten to the hashed name
    too: a browser keeps static files for a year, so a module imported by its plain name
    would stay at an old release's copy.

    Only the display's own modules: Django's switch for this
    (``support_js_module_import_aggregation``) rewrites every app's scripts, and a
    library's may import what it does not ship (django-htmx's ``ext/hx-sse-2.js``
    imports ``../htmx``), which fails the whole of ``collectstatic``."""

    patterns = (*CompressedManifestStaticFilesStorage.patterns, ("display/*.js", _MODULE_IMPORTS))
