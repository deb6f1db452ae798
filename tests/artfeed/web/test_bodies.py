"""The one body reader (artfeed/web/bodies.py): what an endpoint declares is what it
gets, converted, and everything else is a ``BadBody`` with a status and a message."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from artfeed.web.bodies import (
    BadBody,
    Choice,
    Number,
    Record,
    Switch,
    Text,
    TextList,
    WholeNumber,
    read_body,
    read_form,
)

SCHEMA = {
    "prompt": Text(),
    "bpm": Number(),
    "dwell": WholeNumber(low=3, high=3600, unit="seconds"),
    "clock": Switch(),
    "action": Choice(choices=("retry", "reload"), default="retry"),
    "ids": TextList(),
}


def as_json(body: str | bytes, schema=SCHEMA) -> dict:
    request = RequestFactory().post("/", body, content_type="application/json")
    return read_body(request, schema)


def as_form(body: str, schema=SCHEMA) -> dict:
    request = RequestFactory().post(
        "/", body, content_type="application/x-www-form-urlencoded"
    )
    return read_body(request, schema)


def refusal(read, body, schema=SCHEMA) -> BadBody:
    with pytest.raises(BadBody) as caught:
        read(body, schema)
    return caught.value


def test_json_fields_come_back_converted_and_undeclared_ones_are_ignored():
    body = {"prompt": "a harbour", "bpm": 120, "dwell": 20, "clock": True, "ids": ["a"], "x": 1}

    assert as_json(json.dumps(body)) == {
        "prompt": "a harbour",
        "bpm": 120.0,
        "dwell": 20,
        "clock": True,
        "action": "retry",
        "ids": ["a"],
    }


def test_form_fields_are_read_from_their_text_and_an_empty_one_is_absent():
    fields = as_form("prompt=a+harbour&bpm=&dwell=20&clock=on&ids=a,b&ids=c&action=reload")

    assert fields == {
        "prompt": "a harbour",
        "dwell": 20,
        "clock": True,
        "action": "reload",
        "ids": ["a", "b", "c"],
    }


def test_a_form_field_sent_twice_keeps_its_last_value():
    assert as_form("dwell=20&dwell=30")["dwell"] == 30


def test_a_query_string_is_read_the_same_way():
    request = RequestFactory().get("/?dwell=20&clock=yes")

    assert read_form(request.GET, SCHEMA) == {"dwell": 20, "clock": True, "action": "retry"}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ('{"bpm": ' + "9" * 5000 + "}", "integer of 5000 digits"),
        ('{"bpm": NaN}', "NaN is not a JSON number"),
        ('{"bpm": -Infinity}', "-Infinity is not a JSON number"),
        ('{"bpm": 1, "bpm": 2}', "gives the member 'bpm' twice"),
        ('{"a": {"b": 1, "b": 1}}', "gives the member 'b' twice"),
        ("{oops", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        ("[1]", "Expected a JSON object"),
        ('{"prompt": "a\\u0000b"}', "prompt must be plain text: it holds the control character "
                                      "U+0000"),
        ('{"prompt": "a\\u001bb"}', "control character U+001B"),
        ('{"prompt": "a\\u0085b"}', "control character U+0085"),
        ('{"prompt": "\\ud800"}', "it holds a lone surrogate U+D800"),
        ('{"ids": ["ok", "\\udfff"]}', "ids[1] must be plain text"),
        ('{"prompt": 42}', "prompt must be text (got 42)"),
        ('{"prompt": ["a"]}', "prompt must be text (got a list)"),
        ('{"bpm": "fast"}', "bpm must be a number (got 'fast')"),
        ('{"bpm": true}', "bpm must be a number (got True)"),
        ('{"bpm": 1e999}', "bpm must be a number"),
        ('{"dwell": 2}', "dwell must be a whole number of seconds from 3 to 3600 (got 2)"),
        ('{"dwell": 20.5}', "dwell must be a whole number of seconds"),
        ('{"clock": "maybe"}', "clock must be 1 or 0 (or on/off, true/false, yes/no)"),
        ('{"action": "reboot"}', "action must be one of retry, reload (got 'reboot')"),
        ('{"ids": "a"}', "ids must be a list of texts"),
        ('{"ids": [{"a": 1}]}', "ids[0] must be text (got an object)"),
    ],
)  # fmt: skip
def test_bad_json_is_a_400_saying_what_is_wrong(body, says):
    error = refusal(as_json, body)

    assert error.status == 400
    assert says in error.message


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("prompt=a%00b", "prompt must be plain text: it holds the control character U+0000"),
        ("prompt=a%07b", "U+0007"),
        ("bpm=" + "9" * 5000, "bpm must be a number"),
        ("dwell=" + "9" * 5000, "dwell must be a whole number"),
        ("ids=a%00", "ids[0] must be plain text"),
    ],
)
def test_bad_form_data_is_a_400_saying_what_is_wrong(body, says):
    error = refusal(as_form, body)

    assert error.status == 400
    assert says in error.message


def test_tabs_and_line_ends_are_text():
    assert as_json(json.dumps({"prompt": "a\tb\r\nc"}))["prompt"] == "a\tb\r\nc"


def test_a_missing_required_field_is_named():
    error = refusal(as_json, "{}", {"value": WholeNumber(low=-1, high=1, required=True)})

    assert error.message == "value is required: a whole number from -1 to 1."


def test_a_field_may_say_what_it_expects_in_its_own_words():
    schema = {"value": WholeNumber(low=-1, high=1, required=True, message="1, -1 or 0.")}

    assert refusal(as_json, '{"value": 5}', schema).message == "1, -1 or 0."
    assert refusal(as_json, "{}", schema).message == "1, -1 or 0."


def test_a_record_reads_its_own_fields_and_names_them_by_path():
    schema = {"report": Record(fields={"uri": Text()}, required=True)}

    assert as_json('{"report": {"uri": "x", "line": 3}}', schema) == {"report": {"uri": "x"}}
    assert "report.uri must be text" in refusal(as_json, '{"report": {"uri": 3}}', schema).message
    assert "report must be an object" in refusal(as_json, '{"report": []}', schema).message


def test_a_content_type_it_does_not_read_is_refused_naming_what_it_does():
    request = RequestFactory().post("/", "prompt=x", content_type="text/plain")

    with pytest.raises(BadBody, match="Unsupported content type 'text/plain': send "
                       "application/json or form data"):  # fmt: skip
        read_body(request, SCHEMA)


def test_a_json_only_endpoint_refuses_a_form():
    request = RequestFactory().post("/", "a=1", content_type="application/x-www-form-urlencoded")

    with pytest.raises(BadBody, match="send application/csp-report"):
        read_body(request, SCHEMA, json_types=("application/csp-report",), form=False)


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_djangos_limit_is_a_413(settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    request = RequestFactory().post("/", "prompt=" + "x" * 200, content_type=content_type)

    with pytest.raises(BadBody, match="at most 100 bytes") as caught:
        read_body(request, SCHEMA)

    assert caught.value.status == 413
