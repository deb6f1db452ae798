"""Bad input of every kind, at every endpoint: never a 5xx, and a rejected request
changes nothing. Rows come from tests/security/endpoints.py."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArtworkFactory
from tests.security.endpoints import ENDPOINTS, Endpoint
from tests.security.state import database_state

pytestmark = pytest.mark.django_db

METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
            "application/json; charset=latin-1",
            "application/csp-report",
            "",
        ]
    ),
    st.text(max_size=40),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
IDS = st.one_of(st.uuids().map(str), st.text(max_size=50), st.integers(), st.none())
BODIES = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(str.encode),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.lists(IDS, max_size=300).map(lambda ids: json.dumps({"artwork_ids": ids}).encode()),
    st.lists(IDS, max_size=20).map(
        lambda ids: "&".join(f"artwork_ids={i}" for i in ids).encode("utf-8", "replace")
    ),
)
QUERIES = st.dictionaries(
    st.sampled_from(["screen", "dwell", "next", "artwork_ids", "x"]), st.text(max_size=80)
)
HEADERS = st.dictionaries(
    st.sampled_from(["HX-Request", "X-CSRFToken", "Accept", "Origin", "Referer", "Range"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
)


def request_strategy(endpoint: Endpoint):
    path_ids = st.one_of(st.uuids(), st.text(max_size=40))
    return st.fixed_dictionaries(
        {
            "method": METHODS,
            "artwork": path_ids,
            "content_type": CONTENT_TYPES,
            "body": BODIES,
            "query": QUERIES,
            "headers": HEADERS,
            "enforce_csrf": st.booleans(),
        }
    )


# A stream needs the ASGI server (the test client here is WSGI-like, it answers 503);
# tests/display/test_stream.py covers its inputs: login, method, a foreign Last-Event-ID.
@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if not e.asgi_only], ids=lambda e: e.route or "root"
)
def test_no_input_makes_the_server_fail_or_leaves_a_trace_when_refused(user, endpoint):
    art = ArtworkFactory()
    clients = {}
    for enforce in (False, True):
        clients[enforce] = Client(enforce_csrf_checks=enforce, raise_request_exception=False)
        clients[enforce].force_login(user)

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request_strategy(endpoint))
    def probe(case: dict) -> None:
        artwork = case["artwork"] if not isinstance(case["artwork"], uuid.UUID) else art.pk
        # As a browser sends them: the id as a path segment, the query percent-encoded.
        path = endpoint.path(quote(str(artwork), safe=""))
        before = database_state()
        response = clients[case["enforce_csrf"]].generic(
            case["method"],
            path,
            case["body"],
            content_type=case["content_type"],
            headers=case["headers"],
            QUERY_STRING=urlencode(case["query"]),
        )
        assert response.status_code < 500, (case, response.content[:300])
        if response.status_code >= 400:
            assert database_state() == before, case

    probe()
