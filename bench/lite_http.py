"""The load generator's HTTP client: keep-alive connections from one shared pool per
server, the cookies in a dict, redirects followed. It does what `bench/loadtest.py`
needs of `requests` for a fraction of the CPU: the generator shares the server's two
cores, and `requests` (its cookie jar, its request preparation) cost it about 1,3 ms
of CPU per request, a sixth of what the server spent (issue 21, session 13). Both
commits of a `--compare` run are measured with it."""

from __future__ import annotations

import threading
from urllib.parse import urlencode, urljoin, urlsplit

import urllib3

REDIRECTS = {301, 302, 303, 307, 308}
_POOLS: dict[tuple[str, int], urllib3.HTTPConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


class TransportError(Exception):
    """The server could not be reached or did not answer in time."""


class Response:
    __slots__ = ("status_code", "url", "content", "_text")

    def __init__(self, status_code: int, url: str, content: bytes):
        self.status_code, self.url, self.content = status_code, url, content
        self._text: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.content.decode("utf-8", errors="replace")
        return self._text


def _pool(url: str) -> tuple[urllib3.HTTPConnectionPool, str]:
    parts = urlsplit(url)
    key = (parts.hostname or "127.0.0.1", parts.port or 80)
    pool = _POOLS.get(key)
    if pool is None:
        with _POOLS_LOCK:
            pool = _POOLS.setdefault(
                key, urllib3.HTTPConnectionPool(key[0], key[1], maxsize=400, block=False)
            )
    path = parts.path or "/"
    return pool, f"{path}?{parts.query}" if parts.query else path


class Session:
    """Cookies (name -> value) kept across requests, as a browser keeps them."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def get(self, url, params=None, headers=None, timeout=60) -> Response:
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        return self._request("GET", url, None, headers, timeout)

    def post(self, url, data=None, headers=None, timeout=60) -> Response:
        return self._request("POST", url, urlencode(data or {}), headers, timeout)

    def _request(self, method, url, body, headers, timeout) -> Response:
        for _hop in range(10):
            pool, target = _pool(url)
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if body is not None:
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                r = pool.urlopen(
                    method,
                    target,
                    body=body,
                    headers=sent,
                    redirect=False,
                    retries=False,
                    timeout=urllib3.Timeout(total=timeout),
                )
            except urllib3.exceptions.HTTPError as exc:
                raise TransportError(f"{type(exc).__name__}: {exc}") from exc
            for cookie in r.headers.getlist("Set-Cookie"):
                name, _eq, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if value and "max-age=0" not in cookie.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            location = r.headers.get("Location")
            if r.status in REDIRECTS and location:
                url = urljoin(url, location)
                if r.status in (301, 302, 303):
                    method, body = "GET", None
                continue
            return Response(r.status, url, r.data)
        raise TransportError(f"too many redirects: {url}")
