"""Database URLs and errors made fit to print: no password, no SQL.

:func:`mask_url` hides every secret a database URL can carry: the password of ``user:pw@``,
libpq's ``?password=`` and ``?sslpassword=`` query parameters (in any letter case, even
percent-encoded), and ``password=`` in a libpq keyword string (``host=h password='a b'``).
It works on text, without parsing the URL first, so a malformed URL is masked too; where the
text is ambiguous it hides more rather than less.

:func:`describe_db_error` turns a database exception into one line for people: the server's
message without the SQL statement, its parameters or a URL's password.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"
"""What a secret is replaced with."""
SECRET_KEYS = frozenset({"password", "sslpassword", "passfile", "sslkey"})
"""libpq parameters whose value is a secret (or points at one); compared in lower case."""

_PARAM = re.compile(
    r"(?P<key>[A-Za-z0-9_%]+)(?P<eq>\s*=\s*)(?P<value>'(?:[^'\\]|\\.|'')*'?|\"(?:[^\"\\]|\\.)*\"?|[^&;\s]*)"
)


def _mask_params(text: str) -> str:
    def hide(match: re.Match[str]) -> str:
        if unquote(match["key"]).lower() not in SECRET_KEYS:
            return match[0]
        return f"{match['key']}{match['eq']}{MASK}"

    return _PARAM.sub(hide, text)


def _mask_userinfo(text: str) -> str:
    scheme_end = text.find("://")
    if scheme_end < 0:
        return text
    start = scheme_end + 3
    at = text.rfind("@", start)
    if at < 0:
        return text
    userinfo = text[start:at]
    colon = userinfo.find(":")
    if colon < 0 or "/" in userinfo[:colon]:
        return text  # no password in the user part (an "@" further on, say in a query value)
    return f"{text[:start]}{userinfo[:colon]}:{MASK}{text[at:]}"


def mask_url(url: str) -> str:
    """``url`` with every password in it replaced by ``***`` (see the module's docstring)."""
    return _mask_params(_mask_userinfo(str(url)))


def describe_db_error(exc: BaseException, url: str | None = None) -> str:
    """One line about a database error for people: the driver's message, no SQL, no password.

    SQLAlchemy appends the statement (``[SQL: ...]``) and its parameters to its messages; only
    the driver's own first line is kept. Every secret of ``url`` (and any URL inside the
    message) is masked.
    """
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    text = text.split("[SQL:", 1)[0]
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
    first = re.sub(r"^\(\S+\)\s*", "", first)  # SQLAlchemy's "(psycopg.errors.Foo)" prefix
    masked = mask_url(first)
    if url:
        for secret in _secrets_of(url):
            masked = masked.replace(secret, MASK)
    return masked


def _secrets_of(url: str) -> list[str]:
    """The literal secrets in ``url``, longest first (to blank them anywhere in a message)."""
    found: list[str] = []
    scheme_end = url.find("://")
    at = url.rfind("@", scheme_end + 3) if scheme_end >= 0 else -1
    if at >= 0:
        userinfo = url[scheme_end + 3 : at]
        if ":" in userinfo:
            password = userinfo.split(":", 1)[1]
            found += [password, unquote(password)]
    for match in _PARAM.finditer(url):
        if unquote(match["key"]).lower() in SECRET_KEYS:
            value = match["value"].strip("'\"")
            found += [value, unquote(value)]
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)
