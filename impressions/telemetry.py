"""What each impression batch did: its metrics (``impressions.metrics``) and one log line.

``observed_batch`` wraps the batch view from the outside, so it also sees the answers
given before the view runs (405, 401, 413, 403). The view tells it what happened inside
by answering through ``batch_answer`` and ``database_unavailable``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from artfeed.web.http import JsonThen, View, json_error
from artfeed.web.outage import OUTAGES, RETRY_AFTER_SECONDS, outage_message
from impressions import metrics
from impressions.services import RecordedBatch

log = logging.getLogger("impressions.batch")

# What a database outage looks like from Django: a refused or dropped connection, a
# timed-out pool or statement, a deadlock victim. The batch was not written; the
# recorder retries.
DATABASE_DOWN = OUTAGES

# Client mistakes are warnings (a broken display, an expired session); failures errors.
_LEVEL_OF_OUTCOME = {"ok": logging.INFO, "rejected-all": logging.INFO, "failed": logging.ERROR}
_OUTCOME_OF_STATUS = {
    400: "bad_request",
    405: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    413: "too_large",
}


@dataclass(frozen=True)
class _Failure:
    attempted: int | None
    cause: BaseException


def batch_answer(
    recorded: RecordedBatch, *, then: Callable[[], None] = lambda: None
) -> JsonResponse:
    """The batch's answer; ``then`` runs once it has been sent (``JsonThen``)."""
    response = JsonThen(recorded.as_json(), then=then)
    response.recorded = recorded  # type: ignore[attr-defined] - read by observed_batch
    return response


def database_unavailable(*, attempted: int | None, cause: BaseException) -> JsonResponse:
    """503 with ``Retry-After``: nothing was written and nothing is lost, the recorder
    keeps the ids and sends them again."""
    response = json_error(503, f"{outage_message(cause)} Nothing was recorded.")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.failure = _Failure(attempted, cause)  # type: ignore[attr-defined]
    return response


def observed_batch(view: View) -> View:
    """Time the batch view, count its outcome and write one ``key=value`` log line."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        started = time.perf_counter()
        try:
            response = view(request, *args, **kwargs)
        except DATABASE_DOWN as error:
            # The outage struck before the view's own guard, e.g. loading the session.
            response = database_unavailable(attempted=None, cause=error)
        except Exception as error:
            _observe(request, None, started, cause=error)
            raise
        _observe(request, response, started)
        return response

    return wrapper


def _observe(
    request: HttpRequest,
    response: HttpResponse | None,
    started: float,
    *,
    cause: BaseException | None = None,
) -> None:
    """Count the batch and log it; ``response`` is None when the view raised ``cause``."""
    seconds = time.perf_counter() - started
    recorded: RecordedBatch | None = getattr(response, "recorded", None)
    failure: _Failure | None = getattr(response, "failure", None)
    outcome = _outcome_of(response, recorded)
    metrics.LATENCY.observe(seconds)
    metrics.BATCHES.labels(outcome).inc()

    fields: dict[str, object] = {"user": _user_of(request)}
    if recorded is not None:
        metrics.BATCH_SIZE.observe(recorded.attempted)
        metrics.UPSERTED.inc(recorded.upserted)
        metrics.REJECTED.inc(len(recorded.refused))
        fields.update(
            attempted=recorded.attempted,
            upserted=recorded.upserted,
            rejected=len(recorded.refused),
        )
    if failure is not None:
        fields["attempted"] = "?" if failure.attempted is None else failure.attempted
        cause = failure.cause
    fields.update(
        outcome=outcome,
        status=500 if response is None else response.status_code,
        via=_transport_of(request),
        bytes=request.META.get("CONTENT_LENGTH") or 0,
        ms=f"{seconds * 1000:.1f}",
    )
    if cause is not None:
        fields["cause"] = f"{type(cause).__name__}: {cause}".strip()
    log.log(_LEVEL_OF_OUTCOME.get(outcome, logging.WARNING), logfmt(fields))


def _outcome_of(response: HttpResponse | None, recorded: RecordedBatch | None) -> str:
    if recorded is not None:
        return "ok" if recorded.upserted else "rejected-all"
    if response is None or response.status_code >= 500:
        return "failed"
    return _OUTCOME_OF_STATUS.get(response.status_code, "bad_request")


def _user_of(request: HttpRequest) -> object:
    try:
        user = request.user
        return user.pk if user.is_authenticated else "-"
    except DATABASE_DOWN:  # the session or user could not be loaded
        return "?"


def _transport_of(request: HttpRequest) -> str:
    # The recorder posts JSON while the page lives and form data (a beacon) on the way out.
    return "json" if request.content_type == "application/json" else "form"


def logfmt(fields: dict[str, object]) -> str:
    """``key=value`` pairs; values with spaces, quotes or ``=`` are quoted."""
    parts = []
    for key, value in fields.items():
        text = str(value).replace("\n", " ")
        if not text or any(c in text for c in ' "='):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)
