"""The one body reader: every endpoint that takes JSON or form data reads it here.

An endpoint declares its fields once, as a mapping of names to field kinds::

    FIELDS = {"prompt": Text(), "bpm": Number(), "screen": Text(max_length=64)}
    fields = read_body(request, FIELDS)  # {"prompt": "a harbour", "bpm": 120.0}

and gets back only the fields it declared, each converted to its kind, or ``BadBody``
with the status (400, or 413 for a body over Django's limit) and a message naming what
was wrong. Whatever a client sends, nothing else escapes: JSON nested too deeply, an
integer of thousands of digits, ``NaN``, a member given twice, a wrong type anywhere,
NUL or another control character or a lone surrogate in a text (PostgreSQL refuses
such text, and no field of ours has a use for it), a body that is not UTF-8, a form
Django cannot parse. Members nobody declared are ignored.

JSON and form data are read alike: a form's values are text, so numbers, whole numbers
and switches also accept their text forms (``"120"``, ``"on"``), and an empty form value
counts as absent. A form field sent twice keeps its last value (a list keeps them all).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError

JSON = "application/json"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# Longer integers are no count or id of ours; Python refuses to convert past 4300 digits.
MAX_INTEGER_DIGITS = 20
# NUL and the other control characters except tab and line ends; lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_WHOLE = re.compile(r"[+-]?[0-9]{1,9}")
_ON, _OFF = ("1", "on", "true", "yes"), ("0", "off", "false", "no")
_ABSENT = object()


class BadBody(ValueError):
    """The request's body (or query) cannot be used; ``message`` says why, for the client."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, kw_only=True)
class Field:
    """A field of a body. ``default`` stands in when it is absent; ``required`` refuses
    its absence; ``message`` replaces the default complaint about a bad value."""

    required: bool = False
    default: Any = None
    message: str = ""

    expected = "a value"

    def convert(self, name: str, value: object) -> object:
        raise NotImplementedError

    def from_form(self, values: list[str]) -> object:
        """The value a form's strings carry (the last one; an empty one is absent)."""
        return values[-1] if values[-1] != "" else _ABSENT

    def refuse(self, name: str, value: object) -> BadBody:
        if self.message:
            return BadBody(self.message)
        return BadBody(f"{name} must be {self.expected} (got {_shown(value)}).")


@dataclass(frozen=True, kw_only=True)
class Text(Field):
    max_length: int | None = None

    expected = "text"

    def from_form(self, values: list[str]) -> object:
        return values[-1]  # an empty text is a value (the prompt says it must not be)

    def convert(self, name: str, value: object) -> str:
        if not isinstance(value, str):
            raise self.refuse(name, value)
        return checked_text(name, value, max_length=self.max_length)


@dataclass(frozen=True, kw_only=True)
class Number(Field):
    expected = "a number"

    def convert(self, name: str, value: object) -> float:
        if isinstance(value, str) and value.strip():
            try:
                value = float(value.strip())
            except (ValueError, OverflowError):
                raise self.refuse(name, value) from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse(name, value)
        number = float(value)
        if not math.isfinite(number):
            raise self.refuse(name, value)
        return number


@dataclass(frozen=True, kw_only=True)
class WholeNumber(Field):
    low: int
    high: int
    unit: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        unit = f" of {self.unit}" if self.unit else ""
        return f"a whole number{unit} from {self.low} to {self.high}"

    def convert(self, name: str, value: object) -> int:
        if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.refuse(name, value)
        if not self.low <= value <= self.high:
            raise self.refuse(name, value)
        return value


@dataclass(frozen=True, kw_only=True)
class Switch(Field):
    expected = "1 or 0 (or on/off, true/false, yes/no)"

    def convert(self, name: str, value: object) -> bool:
        if isinstance(value, bool):
            return value
        word = value.strip().lower() if isinstance(value, str) else str(value)
        if isinstance(value, str | int) and word in _ON:
            return True
        if isinstance(value, str | int) and word in _OFF:
            return False
        raise self.refuse(name, value)


@dataclass(frozen=True, kw_only=True)
class Choice(Field):
    choices: tuple[str, ...]

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"one of {', '.join(self.choices)}"

    def convert(self, name: str, value: object) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise self.refuse(name, value)
        return value


@dataclass(frozen=True, kw_only=True)
class TextList(Field):
    """A list of texts: a JSON array, or a form field repeated or comma-separated."""

    expected = "a list of texts"

    def from_form(self, values: list[str]) -> object:
        return [part.strip() for value in values for part in value.split(",") if part.strip()]

    def convert(self, name: str, value: object) -> list[str]:
        if not isinstance(value, list):
            raise self.refuse(name, value)
        for position, item in enumerate(value):
            if not isinstance(item, str):
                raise BadBody(f"{name}[{position}] must be text (got {_shown(item)}).")
        # One search over them all (a line end is allowed, so joining adds nothing it
        # would refuse); item by item only to name the one refused.
        if _UNPRINTABLE.search("\n".join(value)):
            for position, item in enumerate(value):
                checked_text(f"{name}[{position}]", item)
        return value


@dataclass(frozen=True, kw_only=True)
class Record(Field):
    """A JSON object with fields of its own (JSON only: a form has no nesting)."""

    fields: Mapping[str, Field]

    expected = "an object"

    def convert(self, name: str, value: object) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.refuse(name, value)
        return _read(value, self.fields, prefix=f"{name}.")


Schema = Mapping[str, Field]


def checked_text(name: str, text: str, *, max_length: int | None = None) -> str:
    """``text`` if it holds no control character (tab and line ends aside) and no lone
    surrogate, and is at most ``max_length`` characters; else ``BadBody`` naming ``name``."""
    bad = _UNPRINTABLE.search(text)
    if bad is not None:
        code = ord(bad.group())
        kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "the control character"
        raise BadBody(f"{name} must be plain text: it holds {kind} U+{code:04X}.")
    if max_length is not None and len(text) > max_length:
        raise BadBody(f"{name} must be at most {max_length} characters (got {len(text)}).")
    return text


def read_body(
    request: HttpRequest,
    schema: Schema,
    *,
    json_types: Sequence[str] = (JSON,),
    form: bool = True,
) -> dict[str, object]:
    """The declared fields of the request's body: a JSON object (any of ``json_types``)
    or, when ``form``, form data. Raises ``BadBody``."""
    content_type = request.content_type or ""
    if content_type in json_types:
        document = parse_json(_raw_body(request))
        if not isinstance(document, dict):
            raise BadBody("Expected a JSON object of fields.")
        return _read(document, schema)
    if form and content_type in FORMS:
        return read_form(_posted_form(request), schema)
    accepted = " or ".join([*json_types, *(["form data"] if form else [])])
    raise BadBody(f"Unsupported content type {content_type or '(none)'!r}: send {accepted}.")


def read_form(values: QueryDict, schema: Schema) -> dict[str, object]:
    """The declared fields of form data or a query string (``request.GET``)."""
    document: dict[str, object] = {}
    for name, field in schema.items():
        if name in values and not isinstance(field, Record):
            value = field.from_form(values.getlist(name))
            if value is not _ABSENT:
                document[name] = value
    return _read(document, schema)


def unreadable_body(request: HttpRequest) -> BadBody | None:
    """Why the body cannot be read at all (too large, a broken multipart form, cut
    off), or None. Reading it here first lets a later check (CSRF reads the form) and
    the view see an answer in the one error shape instead of Django's HTML page."""
    try:
        if (request.content_type or "") in FORMS:
            _posted_form(request)
        else:
            _raw_body(request)
    except BadBody as error:
        return error
    return None


def parse_json(body: bytes) -> object:
    """A JSON document from ``body``, refusing what ``json.loads`` would turn into an
    exception of its own (too deep, too long an integer) or accept although it is not
    JSON (``NaN``, ``Infinity``), and members given twice."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"{error.reason} at byte {error.start}"
        raise BadBody(f"The body is not UTF-8 text ({reason}).") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_members,
            parse_int=_integer,
            parse_constant=_not_a_number,
        )
    except RecursionError:
        raise BadBody("The body is not valid JSON: it nests too deeply.") from None
    except json.JSONDecodeError as error:
        raise BadBody(f"The body is not valid JSON ({error}).") from None


def _read(document: Mapping[str, object], schema: Schema, prefix: str = "") -> dict[str, object]:
    fields: dict[str, object] = {}
    for name, field in schema.items():
        value = document.get(name, _ABSENT)
        if value is _ABSENT or value is None:
            if field.required:
                raise BadBody(field.message or f"{prefix}{name} is required: {field.expected}.")
            if field.default is not None:
                fields[name] = field.default
            continue
        fields[name] = field.convert(f"{prefix}{name}", value)
    return fields


# What Django raises when it cannot read a body: over DATA_UPLOAD_MAX_MEMORY_SIZE, too
# many fields, a broken multipart form, a connection cut short.
UNREADABLE = (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    MultiPartParserError,
    UnreadablePostError,
    OSError,
)


def refusal_for(error: Exception, *, what: str = "The body") -> BadBody:
    """The answer to one of the ``UNREADABLE`` errors: 413 for a body over the limit."""
    if isinstance(error, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return BadBody(f"The body is too large: at most {limit} bytes.", status=413)
    return BadBody(f"{what} could not be read: {error}.")


def _raw_body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except UNREADABLE as error:
        raise refusal_for(error) from None


def _posted_form(request: HttpRequest) -> QueryDict:
    try:
        return request.POST
    except UNREADABLE as error:
        raise refusal_for(error, what="The form data") from None


def _members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    members: dict[str, object] = {}
    for key, value in pairs:
        if key in members:
            # Parsers differ on which one counts: neither does.
            raise BadBody(f"The body gives the member {_shown(key)} twice.")
        members[key] = value
    return members


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise BadBody(f"The body holds an integer of {len(digits)} digits; no field takes one.")
    return int(digits)


def _not_a_number(constant: str) -> object:
    raise BadBody(f"The body is not valid JSON ({constant} is not a JSON number).")


def _shown(value: object) -> str:
    """A short, printable rendering of what the client sent, for a message."""
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "a list"
    return f"{value!r:.40}".encode("ascii", "backslashreplace").decode()
