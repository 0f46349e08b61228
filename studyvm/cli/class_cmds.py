"""``studyvm class``: set up a class database on PostgreSQL and give each learner a login.

The instructor, connected as the database's owner, runs ``class init`` once (and again after
upgrading StudyVM), then ``class add-student NAME`` per learner; ``class whoami`` tells anyone
which role they are and what the class makes of it. See "A class database" in the README.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from studyvm.cli.study_cmds import _fail

class_app = typer.Typer(
    name="class",
    help="A class database on PostgreSQL: roles, logins and row-level security.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DB_HELP = "Database URL (default: the global --db or STUDYVM_DATABASE_URL). Keep the password out of it."


@contextmanager
def _engine(settings: Any, db: str | None) -> Iterator[Any]:
    """An engine for the class database; every error becomes a message without SQL or password."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from studyvm.store.classdb import ClassDBError
    from studyvm.store.engine import SchemaError, make_engine
    from studyvm.store.urls import describe_db_error, mask_url

    url = db or settings.db_url
    if not url:
        raise _fail("give the class database with --db postgresql://OWNER@HOST/DATABASE (or STUDYVM_DATABASE_URL)")
    if not url.startswith("postgresql"):
        raise _fail(f"a class database needs PostgreSQL, not {mask_url(url).split(':', 1)[0]}")
    try:
        engine = make_engine(url)
    except (ArgumentError, ValueError) as exc:
        raise _fail(f"not a database URL: {mask_url(url)} ({describe_db_error(exc, url)})") from None
    try:
        yield engine
    except (ClassDBError, SchemaError) as exc:
        raise _fail(str(exc)) from None
    except SQLAlchemyError as exc:
        raise _fail(f"database {mask_url(url)}: {describe_db_error(exc, url)}") from None
    finally:
        engine.dispose()


def _student_url(owner_url: Any, name: str) -> str:
    """The owner's URL with the student's name and no password at all."""
    from sqlalchemy.engine import URL, make_url

    from studyvm.store.urls import SECRET_KEYS

    url = make_url(owner_url)
    query = {k: v for k, v in url.query.items() if k.lower() not in SECRET_KEYS}
    student = URL.create("postgresql", username=name, host=url.host, port=url.port, database=url.database, query=query)
    return student.render_as_string(hide_password=True)


@class_app.command("init")
def init(
    ctx: typer.Context,
    db: str | None = typer.Option(None, "--db", help=DB_HELP, show_default=False),
    student_role: str | None = typer.Option(
        None, "--student-role", help="Group role of the learners (default: <database>_students).", show_default=False
    ),
    instructor_role: str | None = typer.Option(
        None,
        "--instructor-role",
        help="Group role of the instructors (default: <database>_instructors).",
        show_default=False,
    ),
) -> None:
    """Create (or upgrade) the schema, the student and instructor roles and the row-level security policies.

    Run it as the database's owner (a role with CREATEROLE); run it again after upgrading StudyVM.
    """
    from studyvm.store.classdb import init_class

    with _engine(ctx.obj, db) as engine:
        info = init_class(engine, student_role, instructor_role)
    typer.echo(
        f"class database '{info.database}' is ready: learners are the members of '{info.students}', "
        f"instructors the members of '{info.instructors}' (you, '{info.role}', are one)."
    )
    typer.echo("Every progress table has forced row-level security: a learner reads and writes only their own rows.")
    typer.echo("Next: studyvm class add-student NAME (one login per learner).")


@class_app.command("add-student")
def add_student_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The learner's login name (lower case).", show_default=False),
    db: str | None = typer.Option(None, "--db", help=DB_HELP, show_default=False),
    new_password: bool = typer.Option(False, "--new-password", help="Issue a new password to an existing student."),
) -> None:
    """Create a login role for a learner, with a generated password shown once."""
    from studyvm.store.classdb import add_student

    with _engine(ctx.obj, db) as engine:
        password = add_student(engine, name, new_password=new_password)
        url = _student_url(engine.url, name)
    verb = "new password for" if new_password else "created the login"
    typer.echo(f"{verb} '{name}'.")
    typer.echo(f"password (shown once, stored nowhere): {password}")
    typer.echo("Give the learner the password and this, to put in their environment (the URL holds no password):")
    typer.echo(f"  export STUDYVM_DATABASE_URL='{url}'")
    typer.echo("and the password in ~/.pgpass (chmod 600) or PGPASSWORD.")


@class_app.command("whoami")
def whoami(
    ctx: typer.Context,
    db: str | None = typer.Option(None, "--db", help=DB_HELP, show_default=False),
) -> None:
    """Which database role you are, and whether the class counts you as a learner or an instructor."""
    from studyvm.store.classdb import class_info

    with _engine(ctx.obj, db) as engine:
        info = class_info(engine)
    if info is None:  # not reached: _engine accepts only PostgreSQL
        raise _fail("a class database needs PostgreSQL")
    if not info.is_class:
        typer.echo(f"role '{info.role}' on '{info.database}': not a class database (run `studyvm class init`).")
        return
    kind = "an instructor" if info.is_instructor else "a learner" if info.is_student else "not in the class"
    typer.echo(
        f"role '{info.role}' on '{info.database}': {kind} "
        f"(learners: '{info.students}', instructors: '{info.instructors}')."
    )


def register(app: typer.Typer) -> None:
    """Add the ``class`` group to the root app."""
    app.add_typer(class_app)
