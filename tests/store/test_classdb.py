"""A class database on a real PostgreSQL server: roles, forced row-level security, and what a
learner can do with plain SQL through their own connection (psycopg, no StudyVM in between)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

import psycopg
import pytest
from psycopg import errors
from sqlmodel import SQLModel
from study.helpers import FakeClock, make_pack

from studyvm.config import Settings
from studyvm.store.classdb import (
    ClassDBError,
    add_student,
    class_info,
    init_class,
    require_instructor,
)
from studyvm.store.engine import SchemaError, make_engine, open_database
from studyvm.store.security import PROGRESS_TABLES, READ_ONLY_TABLES
from studyvm.study.service import StudyService


@dataclass
class Klass:
    """A class set up by its instructor, with two students who each studied a little."""

    pg: object
    alice: str
    bob: str
    alice_id: int
    bob_id: int

    def connect(self, role: str) -> psycopg.Connection:
        return psycopg.connect(host=str(self.pg.server.sock), user=role, dbname=self.pg.database, autocommit=True)


def _study(pg_class, role: str, tmp_path, answers: int) -> None:
    settings = Settings(home=tmp_path / role, db_url=pg_class.url(role), learner="someone-else")
    with StudyService(settings, packs={"virt": make_pack()}, clock=FakeClock(), tz=UTC, fuzz=False, seed=1) as svc:
        assert svc.settings.learner == role  # the learner is the database role, not the name given
        for _ in range(answers):
            svc.answer(svc.next_card(), rating=3)
        quiz = svc.start_quiz(n=1, qtype="mcq")
        quiz.submit(1)
        quiz.finish()


@pytest.fixture
def klass(pg_class, tmp_path) -> Klass:
    engine = make_engine(pg_class.teacher_url)
    info = init_class(engine)
    assert info.is_instructor and info.is_class and not info.is_student
    alice, bob = pg_class.name("alice"), pg_class.name("bob")
    add_student(engine, alice)
    add_student(engine, bob)
    engine.dispose()
    _study(pg_class, alice, tmp_path, 3)
    _study(pg_class, bob, tmp_path, 2)
    with psycopg.connect(host=str(pg_class.server.sock), user=pg_class.teacher, dbname=pg_class.database) as t:
        ids = dict(t.execute("SELECT name, id FROM learner").fetchall())
    return Klass(pg_class, alice, bob, ids[alice], ids[bob])


def _counts(conn: psycopg.Connection) -> dict[str, int]:
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in PROGRESS_TABLES}


def test_every_table_is_covered_and_forced(klass: Klass) -> None:
    assert set(SQLModel.metadata.tables) == set(PROGRESS_TABLES) | set(READ_ONLY_TABLES) - {"alembic_version"}
    with klass.connect(klass.pg.teacher) as conn:
        flags = dict(
            conn.execute(
                "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = ANY(%s)",
                (list(PROGRESS_TABLES),),
            ).fetchall()
        )
    assert flags == dict.fromkeys(PROGRESS_TABLES, True)


def test_bob_cannot_read_alices_rows(klass: Klass) -> None:
    with klass.connect(klass.pg.teacher) as teacher:
        everything = _counts(teacher)
    with klass.connect(klass.bob) as bob:
        mine = _counts(bob)
        assert bob.execute("SELECT name FROM learner").fetchall() == [(klass.bob,)]
        for table in PROGRESS_TABLES:
            if table == "learner":
                continue
            if table == "attempt_answer":
                query = "SELECT count(*) FROM attempt_answer aa JOIN attempt a ON a.id = aa.attempt_id WHERE a.learner_id = %s"
            else:
                query = f"SELECT count(*) FROM {table} WHERE learner_id = %s"
            assert bob.execute(query, (klass.alice_id,)).fetchone()[0] == 0, table
            assert bob.execute(query, (klass.bob_id,)).fetchone()[0] == mine[table] > 0, table
    for table in PROGRESS_TABLES:
        assert everything[table] > mine[table], table  # the instructor sees both learners


def test_bob_cannot_change_or_delete_alices_rows(klass: Klass) -> None:
    with klass.connect(klass.pg.teacher) as teacher:
        before = _counts(teacher)
        alice_reps = teacher.execute(
            "SELECT sum(reps) FROM card_state WHERE learner_id = %s", (klass.alice_id,)
        ).fetchone()[0]
    with klass.connect(klass.bob) as bob:
        for table in PROGRESS_TABLES:
            if table in ("learner", "attempt_answer"):
                continue
            assert bob.execute(f"DELETE FROM {table} WHERE learner_id = %s", (klass.alice_id,)).rowcount == 0
        assert bob.execute("UPDATE card_state SET reps = 99 WHERE learner_id = %s", (klass.alice_id,)).rowcount == 0
        assert bob.execute("UPDATE learner SET name = 'x' WHERE id = %s", (klass.alice_id,)).rowcount == 0
        assert bob.execute("DELETE FROM learner WHERE id = %s", (klass.alice_id,)).rowcount == 0
        assert bob.execute("DELETE FROM attempt_answer").rowcount > 0  # only his own go
        assert bob.execute("UPDATE attempt SET score = 0").rowcount == 1
    with klass.connect(klass.pg.teacher) as teacher:
        after = _counts(teacher)
        assert (
            teacher.execute("SELECT sum(reps) FROM card_state WHERE learner_id = %s", (klass.alice_id,)).fetchone()[0]
            == alice_reps
        )
        alice_answers = teacher.execute(
            "SELECT count(*) FROM attempt_answer aa JOIN attempt a ON a.id = aa.attempt_id WHERE a.learner_id = %s",
            (klass.alice_id,),
        ).fetchone()[0]
    assert alice_answers == 1 and after["attempt_answer"] == alice_answers
    assert {k: v for k, v in after.items() if k != "attempt_answer"} == {
        k: v for k, v in before.items() if k != "attempt_answer"
    }


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO review_log (learner_id, card_id, rating, reviewed_at, review_day, state_before)"
        " VALUES ({alice}, 1, 3, now(), 1, 0)",
        "INSERT INTO mistake (learner_id, pack_id, question_id, at, origin, cleared)"
        " VALUES ({alice}, 'virt', 'mcq-1', now(), 'quiz', false)",
        "INSERT INTO learner (name, created_at) VALUES ('{alice_name}', now())",
        "INSERT INTO learner (name, created_at) VALUES ('mallory', now())",
        "UPDATE card_state SET learner_id = {alice}",
        "UPDATE learner SET name = 'mallory'",
        "INSERT INTO attempt_answer (attempt_id, position, pack_id, question_id, score, answered_at)"
        " SELECT 1 + max(id), 9, 'virt', 'mcq-1', 1, now() FROM attempt",
    ],
)
def test_rows_for_another_learner_are_refused(klass: Klass, statement: str) -> None:
    sql = statement.format(alice=klass.alice_id, alice_name=klass.alice)
    with klass.connect(klass.bob) as bob, pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        bob.execute(sql)


def test_the_attempt_answer_of_someone_elses_attempt_is_refused(klass: Klass) -> None:
    with klass.connect(klass.pg.teacher) as teacher:
        alices_attempt = teacher.execute("SELECT id FROM attempt WHERE learner_id = %s", (klass.alice_id,)).fetchone()[
            0
        ]
    with klass.connect(klass.bob) as bob, pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        bob.execute(
            "INSERT INTO attempt_answer (attempt_id, position, pack_id, question_id, score, answered_at)"
            " VALUES (%s, 7, 'virt', 'mcq-1', 1, now())",
            (alices_attempt,),
        )


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE review_log DISABLE ROW LEVEL SECURITY",
        "DROP POLICY studyvm_student_own_rows ON review_log",
        "CREATE TABLE sneaky (x int)",
        "UPDATE alembic_version SET version_num = '0001'",
        "DELETE FROM class_role",
        "SET ROLE {teacher}",
        "TRUNCATE review_log",
        "ALTER TABLE learner NO FORCE ROW LEVEL SECURITY",
        "CREATE TEMPORARY TABLE t (x int)",
        "SELECT setval('review_log_id_seq', 1)",
        "GRANT {teacher} TO CURRENT_USER",
    ],
)
def test_a_student_cannot_undo_the_protection(klass: Klass, statement: str) -> None:
    with klass.connect(klass.bob) as bob, pytest.raises(errors.InsufficientPrivilege):
        bob.execute(statement.format(teacher=klass.pg.teacher))


def test_the_class_roles_and_refusals(klass: Klass) -> None:
    engine = make_engine(klass.pg.url(klass.bob))
    info = class_info(engine)
    assert (info.role, info.is_student, info.is_instructor, info.is_class) == (klass.bob, True, False, True)
    with pytest.raises(ClassDBError, match="is for the class's instructors"):
        require_instructor(engine)
    with pytest.raises(ClassDBError, match="owner"):
        init_class(engine)  # a student cannot re-run the set-up
    engine.dispose()
    teacher = make_engine(klass.pg.teacher_url)
    require_instructor(teacher)  # the owner is an instructor
    init_class(teacher)  # running it again is harmless
    teacher.dispose()


def test_a_role_outside_the_class_cannot_even_connect(klass: Klass) -> None:
    stranger = klass.pg.server.new_role(klass.pg.name("eve"))
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        klass.connect(stranger)


def test_add_student_passwords_and_names(klass: Klass) -> None:
    engine = make_engine(klass.pg.teacher_url)
    carol = klass.pg.name("carol")
    password = add_student(engine, carol)
    assert len(password) >= 20
    klass.pg.server.admin(
        f'GRANT {klass.pg.server.password_role} TO "{carol}"'
    )  # this role must log in with its password
    sock, db = str(klass.pg.server.sock), klass.pg.database
    with psycopg.connect(host=sock, user=carol, dbname=db, password=password) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (carol,)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(host=sock, user=carol, dbname=db, password=password + "x")
    with pytest.raises(ClassDBError, match="already a student"):
        add_student(engine, carol)
    renewed = add_student(engine, carol, new_password=True)
    assert renewed != password
    with psycopg.connect(host=sock, user=carol, dbname=db, password=renewed):
        pass
    for bad in ("Carol", "1x", "a b", "x'; drop table learner; --", "pg_x", ""):
        with pytest.raises(ClassDBError, match="not a valid learner name|reserved"):
            add_student(engine, bad)
    with pytest.raises(ClassDBError, match="not a student of this class"):
        add_student(engine, klass.pg.teacher)
    engine.dispose()


def test_class_set_up_needs_postgresql_and_an_initialised_database(tmp_path, pg_class) -> None:
    with pytest.raises(ClassDBError, match="needs PostgreSQL"):
        init_class(make_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    engine = make_engine(pg_class.teacher_url)
    open_database(pg_class.teacher_url).dispose()  # a schema, but no class
    with pytest.raises(ClassDBError, match="not set up as a class"):
        add_student(engine, "zed")
    require_instructor(engine)  # no class roles: nobody is refused
    engine.dispose()


def test_a_student_cannot_migrate_an_old_schema(klass: Klass) -> None:
    with klass.connect(klass.pg.teacher) as teacher:
        # as if written by the StudyVM before 0004 (and 0005)
        for statement in (
            "DROP TABLE class_role",
            "DROP TABLE pack_day_stats",
            "ALTER TABLE card_state DROP COLUMN last_rating",
            "ALTER TABLE review_log ADD COLUMN pack_id varchar(200)",
            "ALTER TABLE review_log ADD COLUMN question_id varchar(200)",
            "UPDATE review_log l SET pack_id = c.pack_id, question_id = c.question_id FROM card_state c"
            " WHERE c.id = l.card_id",
            "ALTER TABLE review_log DROP COLUMN card_id",
            "CREATE INDEX ix_review_log_day ON review_log (learner_id, review_day, state_before, rating)",
            "CREATE INDEX ix_review_log_card ON review_log (learner_id, pack_id, question_id)",
            "UPDATE alembic_version SET version_num = '0003'",
        ):
            teacher.execute(statement)
    with pytest.raises(SchemaError, match="ask the instructor"):
        open_database(klass.pg.url(klass.bob))
    engine = make_engine(klass.pg.teacher_url)
    init_class(engine)  # the owner upgrades; the policies and the roles stay
    engine.dispose()
    with klass.connect(klass.bob) as bob:
        assert bob.execute("SELECT count(*) FROM learner").fetchone()[0] == 1


def test_a_teaching_assistant_reads_everything_and_writes_nothing(klass: Klass) -> None:
    from sqlalchemy.orm import Session

    from studyvm.study.itemstats import compute_item_report

    ta = klass.pg.server.new_role(klass.pg.name("ta"))
    klass.pg.server.admin(f'GRANT "{klass.pg.database}_instructors" TO "{ta}"')
    with klass.connect(ta) as conn:
        assert {name for (name,) in conn.execute("SELECT name FROM learner")} == {klass.alice, klass.bob}
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM review_log")
    engine = open_database(klass.pg.url(ta))
    require_instructor(engine)
    with Session(engine) as session:
        items = compute_item_report(type("Svc", (), {"engine": engine, "packs": {}})(), session)
    engine.dispose()
    assert items.attempts == 2 and items.questions[0].attempts == 2  # both learners' quizzes
