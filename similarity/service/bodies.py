"""What a request to the service says, read and checked: a check (JSON or a form with a logo) and a registry mark.
Anything unusable is an :class:`~similarity.service.errors.ApiError` with the reason; nothing reaches the library
unchecked::

    >>> CheckRequest.model_validate({"name": "Kopi Kenangan", "classes": "30,43"}).top
    10
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..classes import LAST_CLASS, parse_classes
from ..goods import classes_for_goods
from ..image.load import MAX_FILE_BYTES
from ..pipeline import parse_logo_max_distance
from ..results import View, select
from ..text.encode import encode_name
from ..text.normalize import MAX_NAME_CHARS
from ..values import STATUSES, CheckResult, Mark
from .errors import ApiError, validation_detail

MAX_TOP = 100
MAX_MARKS_PER_WRITE = 10_000
TOO_DEEP = "the JSON body is nested too deeply — a check or a mark is a flat object"


class CheckRequest(BaseModel):
    """``POST /v1/check`` as JSON. A logo needs a multipart form (field ``logo``) instead."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=4 * MAX_NAME_CHARS, description="The brand name to check.")
    classes: list[int] | str | None = Field(None, max_length=500,
                                            description="Nice classes: [30, 43] or \"30,43\".")
    goods: list[str] | str | None = Field(None, max_length=20, description="What is sold, in words (\"keripik\", "
                                          "[\"bakso\", \"es teh\"]): their Nice classes are added to classes.")
    top: int = Field(10, ge=1, le=MAX_TOP, description="How many matches to return at most.")
    offset: int = Field(0, ge=0, le=MAX_TOP * 2, description="Skip this many matches (the next page).")
    status: list[Literal[STATUSES]] | None = Field(  # type: ignore[valid-type]
        None, description="List only marks with one of these statuses (the verdict stays the whole check's).")
    filter_class: list[int] | None = Field(None, max_length=45, description="List only marks in one of these "
                                           "classes.")
    sort: Literal["score", "date"] = Field("score", description="score (best first) or date (earliest filing "
                                           "first).")
    lang: Literal["id", "en"] = Field("id", description="Language of labels, reasons and error messages.")
    logo_max_distance: dict[Literal["phash", "shape", "dhash"], Annotated[int, Field(ge=0, le=31)]] | None = Field(
        None,
        description="Judge a logo hash by this threshold (bits of 64) instead of the calibrated one, e.g. "
        '{"phash": 10}. In a form: the field logo_max_distance as "phash=10", repeatable.',
    )


class MarkIn(BaseModel):
    """A registry mark sent to ``POST /v1/marks``; ``logo`` may only be a ``simple-icons:<slug>`` reference."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    owner: str = Field("", max_length=500)
    classes: list[int] | str = Field(default_factory=list)
    status: Literal[STATUSES] = "registered"  # type: ignore[valid-type]
    number: str = Field("", max_length=100)
    filed: str | None = Field(None, max_length=40)
    registered: str | None = Field(None, max_length=40)
    logo: str | None = Field(None, max_length=200, pattern=r"^simple-icons:[a-z0-9._-]+$")


CHECK_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": CheckRequest.model_json_schema()},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "name": {"type": "string"},
                "classes": {"type": "string", "description": "\"30,43\", or the field repeated"},
                "logo": {"type": "string", "format": "binary", "description": f"≤ {MAX_FILE_BYTES:,} bytes"},
                "top": {"type": "integer"}, "lang": {"type": "string", "enum": ["id", "en"]},
                "logo_max_distance": {"type": "string", "description": "HASH=BITS (phash, shape, dhash; 0..31), "
                                      "repeatable: a stricter or looser logo threshold than the calibrated one"},
            }}},
        },
    }
}


async def read_check_request(
    request: Request,
) -> tuple[str | None, Any, bytes | None, int, str, dict[str, int] | None]:
    """(name, classes, logo bytes, top, lang, logo thresholds) from a JSON body or a form; 4xx with the reason
    otherwise."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    logo: bytes | None = None
    if ctype == "application/json":
        try:
            raw = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ApiError(400, "malformed_json", f"the body is not valid JSON ({e})") from None
        except RecursionError:
            raise ApiError(400, "malformed_json", TOO_DEEP) from None
        fields: dict[str, Any] = raw if isinstance(raw, dict) else {"_": raw}
    elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        async with request.form(max_files=2, max_fields=60, max_part_size=64 * 1024) as form:
            fields = {k: form.get(k) for k in ("name", "top", "lang", "offset", "sort")
                      if form.get(k) not in (None, "")}
            for many in ("goods", "status", "filter_class"):
                values = [v.strip() for v in form.getlist(many) if isinstance(v, str) and v.strip()]
                if values:
                    fields[many] = values
            classes = [c for c in form.getlist("classes") if isinstance(c, str) and c.strip()]
            if classes:
                fields["classes"] = classes[0] if len(classes) == 1 else [c.strip() for c in classes]
            limits = [v for v in form.getlist("logo_max_distance") if isinstance(v, str) and v.strip()]
            if limits:
                try:
                    fields["logo_max_distance"] = parse_logo_max_distance(limits)
                except ValueError as e:
                    raise ApiError(422, "invalid_request", f"logo_max_distance {e}") from None
            upload = form.get("logo")
            if upload is not None and not isinstance(upload, str):
                logo = await upload.read(MAX_FILE_BYTES + 1)
        if logo is not None and len(logo) > MAX_FILE_BYTES:
            raise ApiError(413, "logo_too_large", f"the logo is over the {MAX_FILE_BYTES:,} byte limit — "
                           "upload a smaller file")
        logo = logo or None  # a form submitted without choosing a file sends an empty part
    else:
        raise ApiError(415, "unsupported_media_type",
                       "send application/json, or multipart/form-data when uploading a logo")
    fields.setdefault("lang", request.query_params.get("lang", "id"))
    if fields.get("lang") in ("id", "en"):
        request.state.lang = fields["lang"]  # errors from here on answer in the request's language
    try:
        body = CheckRequest.model_validate(fields)
    except ValidationError as e:
        raise ApiError(422, "invalid_request", validation_detail(e)) from None
    request.state.view = {"statuses": body.status or (), "classes": body.filter_class or (), "sort": body.sort,
                          "offset": body.offset, "top": body.top}
    if isinstance(body.classes, list) and len(body.classes) > LAST_CLASS:
        raise ApiError(422, "too_many_classes", f"{len(body.classes)} classes given — there are only "
                       f"{LAST_CLASS} Nice classes")
    try:
        classes = parse_classes(body.classes)
    except ValueError as e:
        raise ApiError(422, "invalid_class", e) from None
    if body.goods:
        try:
            words = [body.goods] if isinstance(body.goods, str) else body.goods
            classes = tuple(sorted({*classes, *classes_for_goods(words)}))
        except ValueError as e:
            raise ApiError(422, "unknown_goods", e) from None
    name = body.name if body.name and body.name.strip() else None
    if name is None and logo is None:
        raise ApiError(422, "empty_query", "give a brand name, a logo, or both")
    return name, classes, logo, body.top, body.lang, body.logo_max_distance


def page_view(request: Request, result: CheckResult) -> View:
    """The page of the check's matches the request asked for (statuses, classes, sort, offset, top)."""
    view = request.state.view
    try:
        return select(result, statuses=view["statuses"], classes=view["classes"], sort=view["sort"],
                      offset=view["offset"], top=view["top"])
    except ValueError as e:
        raise ApiError(422, "invalid_request", e) from None


def to_mark(item: MarkIn) -> Mark:
    """The registry mark a ``POST /v1/marks`` item describes; 422 when its name or classes are unusable."""
    try:
        encode_name(item.name)
        return Mark(id=item.id, name=item.name, owner=item.owner, classes=parse_classes(item.classes),
                    status=item.status, number=item.number, filed=item.filed, registered=item.registered,
                    logo=item.logo)
    except ValueError as e:
        raise ApiError(422, "invalid_mark", f"mark {item.id!r}: {e}") from None
