"""Hostile bodies at every endpoint that takes one: JSON nested a hundred thousand deep,
integers of thousands of digits, NUL and other control characters, lone surrogates,
duplicate members, a wrong type at every position, as JSON and as form data, with and
without a login and a CSRF token. Whatever comes, the server answers below 500, a JSON
client gets a JSON error with a message, a refused request leaves the database and the
media folder as they were, and no text with a NUL, a control character or a lone
surrogate is ever stored (PostgreSQL refuses such text with a 500; SQLite would keep it,
so this catches on both). Rows come from tests/security/endpoints.py."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import ArtworkFactory
from tests.security.endpoints import ENDPOINTS, Endpoint
from tests.security.state import database_state, unclean_stored_text

pytestmark = pytest.mark.django_db

CSRF_SECRET = "k" * 32
BODY_ENDPOINTS = [e for e in ENDPOINTS if "POST" in e.methods]


# Raw JSON text: what json.dumps cannot write (too deep, too long an integer) is spliced
# into the document as text.
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85"])
SURROGATE = st.sampled_from(["\ud800", "\udfff", "\udc00x", "a\ud83d"])
HOSTILE_TEXT = st.builds(
    lambda before, bad, after: before + bad + after,
    st.text(max_size=8),
    CONTROL | SURROGATE,
    st.text(max_size=8),
)
DEEP = st.integers(min_value=500, max_value=100_000).flatmap(
    lambda depth: st.sampled_from(["[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth])
)
HUGE_INT = st.integers(min_value=4301, max_value=20_000).map(lambda digits: "9" * digits)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
RAW_VALUES = st.one_of(
    HOSTILE_TEXT.map(json.dumps),
    DEEP,
    HUGE_INT,
    st.sampled_from(["-" + "1" * 5000, "1e999", "-1e999", "NaN", "Infinity", "1" * 400 + ".5"]),
    JSON_VALUES.map(json.dumps),
    st.just(json.dumps("x" * 300_000)),  # over Django's in-memory limit for a body
)


def paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every position in a JSON document: the document, each member, each item."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


MARK = "__HOSTILE__"


def splice(document: object, path: tuple, raw: str) -> str:
    """The document as JSON text with the value at ``path`` replaced by ``raw`` text."""
    if not path:
        return raw
    copy = json.loads(json.dumps(document))
    holder = copy
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = MARK
    return json.dumps(copy).replace(json.dumps(MARK), raw)


def json_bodies(valid: dict) -> st.SearchStrategy[str]:
    spliced = st.tuples(st.sampled_from(paths(valid)), RAW_VALUES).map(
        lambda case: splice(valid, *case)
    )
    # A member twice: parsers differ on which one counts, so neither may.
    duplicated = st.sampled_from(sorted(valid) or ["value"]).flatmap(
        lambda key: st.tuples(st.just(key), RAW_VALUES).map(
            lambda case: json.dumps(valid)[:-1]
            + ("," if valid else "")
            + f"{json.dumps(case[0])}: {case[1]}}}"
        )
    )
    return st.one_of(spliced, duplicated, JSON_VALUES.map(json.dumps))


def form_bodies(valid: dict) -> st.SearchStrategy[str]:
    names = sorted(valid) + ["csrfmiddlewaretoken"]
    values = HOSTILE_TEXT | HUGE_INT | st.text(max_size=30) | st.just("x" * 300_000)
    pairs = st.lists(st.tuples(st.sampled_from(names), values), min_size=1, max_size=4)
    return pairs.map(
        lambda items: "&".join(
            f"{quote(name)}={quote(value, errors='surrogatepass')}" for name, value in items
        )
    )


def valid_body(endpoint: Endpoint, artwork: object) -> dict:
    return json.loads(endpoint.body_for(artwork))


def request_strategy(endpoint: Endpoint, artwork: object):
    valid = valid_body(endpoint, artwork)
    as_json = st.tuples(st.just("application/json"), json_bodies(valid))
    as_form = st.tuples(st.just("application/x-www-form-urlencoded"), form_bodies(valid))
    return st.fixed_dictionaries(
        {
            "body": st.one_of(as_json, as_form),
            # Mostly callers that get past the login and CSRF checks to the parsers.
            "client": st.sampled_from(["token", "unchecked", "token", "anonymous", "no-token"]),
            "accept": st.sampled_from(["application/json", "text/html", "*/*"]),
        }
    )


def known_cases(valid: dict) -> list[dict]:
    """What broke the server once, tried first on every run: each hostile value at each
    member, JSON and form, from a caller with a login and a token."""
    hostile = ["[" * 1000 + "]" * 1000, "[" * 100_000 + "]" * 100_000, "9" * 5000,
               json.dumps("a\x00b"), json.dumps("\ud800"), json.dumps("x" * 300_000)]  # fmt: skip
    bodies = [("application/json", splice(valid, path, raw)) for path in paths(valid)
              for raw in hostile]  # fmt: skip
    bodies += [("application/x-www-form-urlencoded", f"{quote(name)}=a%00b") for name in valid]
    bodies += [("application/x-www-form-urlencoded", "value=" + "x" * 300_000)]
    cases = [{"body": body, "client": "token", "accept": "*/*"} for body in bodies]
    # A JSON client refused by the CSRF check or the login hears it in JSON.
    cases += [{"body": ("application/json", json.dumps(valid)), "client": client, "accept": "*/*"}
              for client in ("no-token", "anonymous")]  # fmt: skip
    return cases


def media_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def clients(user) -> dict[str, Client]:
    made = {
        "anonymous": Client(enforce_csrf_checks=True, raise_request_exception=False),
        "no-token": Client(enforce_csrf_checks=True, raise_request_exception=False),
        "token": Client(enforce_csrf_checks=True, raise_request_exception=False),
        "unchecked": Client(raise_request_exception=False),
    }
    for name in ("no-token", "token", "unchecked"):
        made[name].force_login(user)
    made["token"].cookies[django_settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return made


def speaks_json(case: dict) -> bool:
    return case["body"][0] == "application/json" or case["accept"] == "application/json"


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS, ids=lambda e: e.route)
def test_hostile_bodies_never_fail_the_server_nor_leave_a_trace(user, endpoint):
    art = ArtworkFactory()
    made = clients(user)
    path = endpoint.path(art.pk)

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request_strategy(endpoint, art.pk))
    def probe(case: dict) -> None:
        content_type, body = case["body"]
        headers = {"Accept": case["accept"]}
        if case["client"] == "token":
            headers["X-CSRFToken"] = CSRF_SECRET
        before, files = database_state(), media_files()

        response = made[case["client"]].post(
            path,
            body.encode("utf-8", "surrogatepass"),
            content_type=content_type,
            headers=headers,
        )

        shown = (case["client"], content_type, body[:200], response.content[:300])
        assert response.status_code < 500, shown
        if response.status_code >= 400:
            assert database_state() == before, shown
            assert media_files() == files, shown
            if endpoint.api and speaks_json(case):
                assert response["Content-Type"] == "application/json", shown
                assert json.loads(response.content)["error"], shown
        assert unclean_stored_text() == [], shown

    for case in known_cases(valid_body(endpoint, art.pk)):
        probe = example(case)(probe)
    probe()


def test_every_endpoint_that_takes_a_body_gives_a_valid_one():
    assert all(json.loads(e.body or "null") is not None for e in BODY_ENDPOINTS)
