"""Nothing changes on GET: every endpoint that changes state refuses the safe methods,
so a link, an image tag or a prefetch can never record, vote, generate or log out."""

from __future__ import annotations

import pytest

from tests.factories import ArtworkFactory
from tests.security.endpoints import ENDPOINTS
from tests.security.state import database_state

pytestmark = pytest.mark.django_db
WRITERS = [e for e in ENDPOINTS if e.writes]


@pytest.mark.parametrize("endpoint", WRITERS, ids=lambda e: e.route)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_it_refuses_the_safe_methods_and_changes_nothing(alice_client, endpoint, method):
    art = ArtworkFactory()
    before = database_state()

    response = alice_client.generic(
        method, endpoint.path(art.pk) + "?" + endpoint.body_for(art.pk).replace("&", "%26")
    )

    if "GET" in endpoint.methods:  # a form on GET (generate's overlay): shown, not acted on
        assert response.status_code in (200, 405)
    else:
        assert response.status_code == 405
        assert "GET" not in response["Allow"]
    assert database_state() == before


def test_there_are_state_changing_endpoints_to_check():
    assert {"api/impressions/", "accounts/logout/"} <= {e.route for e in WRITERS}
