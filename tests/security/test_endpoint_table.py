from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.endpoints import ADMIN_PREFIX, ENDPOINTS


def routes(patterns, prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route != ADMIN_PREFIX:
                found += routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


def test_every_url_of_the_site_is_in_the_security_table():
    missing = sorted(set(routes(get_resolver().url_patterns)) - {e.route for e in ENDPOINTS})

    assert missing == [], (
        f"Add {missing} to tests/security/endpoints.py (one line each) so that the fuzz "
        "test, the authorisation matrix and the GET-is-safe test cover them."
    )


def test_the_table_lists_no_url_that_does_not_exist():
    assert {e.route for e in ENDPOINTS} <= set(routes(get_resolver().url_patterns))
