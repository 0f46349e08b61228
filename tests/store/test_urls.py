"""No password of a database URL is ever printed: every form libpq and SQLAlchemy accept."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from studyvm.store.urls import describe_db_error, mask_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:S3cretPW@db.example/klass", "postgresql://u:***@db.example/klass"),
        ("postgresql+psycopg://bob:p%40ss%2Fw@/klass?host=/run/pg", "postgresql+psycopg://bob:***@/klass?host=/run/pg"),
        (
            "postgresql://bob@/klass?host=%2Fnonexistent&password=QSecret1",
            "postgresql://bob@/klass?host=%2Fnonexistent&password=***",
        ),
        (
            "postgresql://bob@h/k?sslmode=require&PASSWORD=Up1&sslpassword=Key2",
            "postgresql://bob@h/k?sslmode=require&PASSWORD=***&sslpassword=***",
        ),
        ("postgresql://bob@h/k?pass%77ord=Enc3", "postgresql://bob@h/k?pass%77ord=***"),
        ("postgresql://a:x@y@h/k", "postgresql://a:***@h/k"),  # an unencoded "@" in the password
        ("host=/tmp dbname=k user=bob password=Kw4", "host=/tmp dbname=k user=bob password=***"),
        ("host=/tmp password='a b c' user=bob", "host=/tmp password=*** user=bob"),
        ("host=/tmp password = 'it''s' user=bob", "host=/tmp password = *** user=bob"),
        ("sqlite:////home/me/studyvm.sqlite3", "sqlite:////home/me/studyvm.sqlite3"),
        ("postgresql://h:5432/k?application_name=x", "postgresql://h:5432/k?application_name=x"),
    ],
)
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


@pytest.mark.parametrize("secret", ["S3cretPW", "QSecret1", "Up1x", "Kw4y", "a b c", "x@y"])
def test_no_secret_survives(secret: str) -> None:
    for url in (
        f"postgresql://u:{secret}@h/k",
        f"postgresql://u@h/k?password={secret}",
        f"postgresql://u@h/k?a=1&Password={secret}&b=2",
        f"host=h password='{secret}'",
    ):
        assert secret not in mask_url(url), url


def test_describe_db_error_drops_sql_and_secrets() -> None:
    url = "postgresql://bob@/k?password=QSecret1"
    orig = Exception('connection failed: password "QSecret1" rejected for postgresql://bob:QSecret1@/k\nDETAIL: x')
    exc = OperationalError("SELECT secret_column FROM learner", {"p": 1}, orig)
    text = describe_db_error(exc, url)
    assert "QSecret1" not in text and "SELECT" not in text and "secret_column" not in text
    assert text.startswith("connection failed")
    plain = describe_db_error(ValueError("bad thing [SQL: DELETE FROM x]"))
    assert plain == "bad thing"
