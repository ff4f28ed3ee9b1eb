"""Static files the pages load, sent light: gzip-compressed once (not per request) and cached.

plotly.js (about 4.8 MB, 1.5 MB gzipped) is served at a versioned address,
:data:`PLOTLY_JS_URL`, that a browser may keep for a year without asking again (a new plotly
package is a new address); its old address, ``/static/plotly.min.js``, still answers, with a
revalidation on every use, as do the app's own files (``web/static/``). Every file here has a
strong ETag, and a request whose ``If-None-Match`` holds it is answered 304 with no body.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import plotly
from fastapi import Request, Response
from plotly.offline import get_plotlyjs_version

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_JS_URL = f"/static/plotly-{get_plotlyjs_version()}.min.js"  # the version the package holds
PLOTLY_JS_LEGACY_URL = "/static/plotly.min.js"  # unversioned: revalidated on every use
STATIC = Path(__file__).parent / "static"  # the app's own files, served at /static/<name>
MEDIA_TYPES = {
    ".js": "application/javascript",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
}

IMMUTABLE = "public, max-age=31536000, immutable"  # a versioned address: a year, no revalidation
REVALIDATE = "no-cache"  # an unversioned one: kept, but checked (a 304) before each use


@dataclass(frozen=True)
class Asset:
    """A file's bytes, their gzip copy and their ETag (the SHA-256 of the uncompressed bytes)."""

    body: bytes
    gzipped: bytes
    digest: str
    media_type: str

    @classmethod
    def read(cls, path: Path, media_type: str) -> Asset:
        """The file at ``path``, compressed once at the highest level (``mtime=0``: the same
        bytes in every process)."""
        body = path.read_bytes()
        return cls(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            digest=hashlib.sha256(body).hexdigest()[:32],
            media_type=media_type,
        )

    def etag(self, encoding: str | None) -> str:
        """A strong ETag per representation: the gzip copy's differs (RFC 9110, 8.8.3)."""
        return f'"{self.digest}-gzip"' if encoding == "gzip" else f'"{self.digest}"'

    def response(self, request: Request, cache_control: str) -> Response:
        """The asset as ``request`` accepts it: gzip when it says so and the app compresses
        (``app.state.compress``), 304 when its ``If-None-Match`` names this file."""
        compress = getattr(request.app.state, "compress", True)
        encoding = "gzip" if compress and accepts_gzip(request) else None
        headers = {
            "ETag": self.etag(encoding),
            "Cache-Control": cache_control,
            "Vary": "Accept-Encoding",
        }
        if self._matches(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        if encoding:
            headers["Content-Encoding"] = encoding
        body = self.gzipped if encoding else self.body
        return Response(body, media_type=self.media_type, headers=headers)

    def _matches(self, if_none_match: str) -> bool:
        """Whether an ``If-None-Match`` names either representation of this file (or ``*``)."""
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return bool(tags & {"*", self.etag(None), self.etag("gzip")})


def accepts_gzip(request: Request) -> bool:
    """Whether ``Accept-Encoding`` accepts gzip with a non-zero weight: gzip's own entry if it
    has one (``*;q=1, gzip;q=0`` refuses it), else ``*``'s."""
    weights = {}
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        weight = params.strip().removeprefix("q=")
        weights[coding.strip().lower()] = _weight(weight) if params else 1.0
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def _weight(text: str) -> float:
    """A ``q=`` value; an unreadable one counts as 1 (accepted)."""
    try:
        return float(text)
    except ValueError:
        return 1.0


@functools.cache
def plotly_js() -> Asset:
    """plotly.js, read and compressed on its first request (0.15 s), then kept."""
    return Asset.read(PLOTLY_JS, "application/javascript")


def app_file(name: str) -> Asset | None:
    """The file ``name`` of ``web/static/`` (a script, a style sheet or JSON), or None for
    anything else, a path leading out of the folder included. Read again when it changes."""
    try:  # a NUL byte or an over-long name is no file of ours: 404, never a 500
        path = (STATIC / name).resolve()
        media_type = MEDIA_TYPES.get(path.suffix)
        if media_type is None or not path.is_relative_to(STATIC.resolve()) or not path.is_file():
            return None
        stat = path.stat()
    except (ValueError, OSError):
        return None
    return _read_once(path, media_type, (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _read_once(path: Path, media_type: str, stamp: tuple[int, int]) -> Asset:
    """One version (``stamp``: modification time and size) of a static file, compressed once."""
    return Asset.read(path, media_type)
