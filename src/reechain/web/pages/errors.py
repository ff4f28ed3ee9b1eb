"""An error on a page's address (no such page, a bad value in its query) as a page in the
site's frame: what went wrong in words, and the way back (the JSON API answers its own errors
as problems)."""

from __future__ import annotations

import html
import http
from typing import Any

from reechain.web.pages.shell import layout

TITLES = {
    404: "Page not found",
    405: "Not possible on this page",
    422: "A value in the address is not valid",
}


def _title(status: int) -> str:
    return TITLES.get(status) or http.HTTPStatus(status).phrase


def _lines(status: int, detail: Any, path: str) -> list[str]:
    """What went wrong, one line each: FastAPI's validation errors (``[{loc, msg}]``) by the
    parameter they name, else the error's text."""
    if isinstance(detail, list):
        return [f"{e.get('loc', ('',))[-1]}: {e.get('msg', '')}" for e in detail]
    if status == 404 and detail in (None, "Not Found"):  # no route: say which address
        return [f"There is no page at {path}."]
    return [str(detail) if detail is not None else http.HTTPStatus(status).phrase]


def error_page(status: int, detail: Any, path: str) -> str:
    """The page of an error ``status`` on ``path``: its title, the problems as a list, and
    links to the overview and the JSON API."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in _lines(status, detail, path))
    body = (
        f"<p class='lead'>Error {status}: {html.escape(http.HTTPStatus(status).phrase)}.</p>"
        f"<ul class='problems'>{items}</ul>"
        "<p><a href='/'>Go to the overview</a>, or pick a page above.</p>"
    )
    return layout(_title(status), body)
