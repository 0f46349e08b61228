"""``studyvm cards``: search the learner's cards and suspend, unsuspend, bury, unbury or forget them.

The query language is the browser's (:mod:`studyvm.study.search`): words, ``"exact phrase"``,
``topic:``, ``tag:``, ``type:``, ``pack:``, ``is:due|new|learn|review|suspended|buried|leech``,
``prop:lapses>N``, ``-`` for not, ``or``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

import typer

from studyvm.cli.study_cmds import _fail, _service
from studyvm.wording import plural

if TYPE_CHECKING:
    from studyvm.study.browse import SearchPage
    from studyvm.study.service import StudyService

cards_app = typer.Typer(
    help="Find cards with a search query and act on them (Anki's browser, in the shell).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

QUERY_HELP = (
    "Search, e.g. 'topic:para is:suspended', '\"binary translation\" -type:flip', "
    "'prop:lapses>2 or is:leech'. An empty query matches every card; put -- before a query that "
    "starts with - (cards search -- -is:new)."
)


def _search(svc: StudyService, query: str, sort: str = "due", limit: int | None = None) -> SearchPage:
    """The matching cards (every one, or the first ``limit``) and their count; a query that
    cannot be read is a message and exit 1."""
    from studyvm.study.browse import search_cards
    from studyvm.study.search import SearchError

    try:
        return search_cards(svc, query, sort=sort, limit=limit)
    except (SearchError, ValueError) as exc:
        raise _fail(f"search: {exc}") from None


@cards_app.command("search")
def search(
    ctx: typer.Context,
    query: str = typer.Argument("", help=QUERY_HELP),
    sort: str = typer.Option("due", "--sort", help="due, ivl, lapses, reps, rating, question or topic."),
    as_json: bool = typer.Option(False, "--json", help="Print the cards as a JSON list."),
    limit: int | None = typer.Option(None, "--limit", min=0, help="Print only the first N cards (counting all)."),
) -> None:
    """List the cards matching QUERY: due date, interval, lapses, last rating, state and prompt."""
    import json

    from studyvm.packs.gcpause import gc_paused

    @gc_paused  # 100,000 cards are 100,000 objects kept to the end: nothing for the collector to find
    def run() -> None:
        with _service(ctx) as svc:
            page = _search(svc, query, sort, limit)
            if as_json:
                typer.echo(json.dumps([c.as_json() for c in page.cards], indent=2))
                return
            write_cards(page, sys.stdout)

    run()


def write_cards(page: SearchPage, out: TextIO) -> None:
    """The count and one line per card of ``page``, as ``cards search`` prints them, to ``out``.

    100,000 lines in one write: one ``echo`` per line spent more time asking about the terminal than
    printing (the stream is still the CLI's inert one, :class:`~studyvm.textsafe.InertStream`).
    """
    shown = f" (the first {len(page.cards)} shown)" if page.more else ""
    lines = [plural(page.total, "card") + shown]
    days: dict[tuple, str] = {}
    flag_text: dict[frozenset[str], str] = {}
    for c in page.cards:
        due = c.due
        if due is None:
            day = "-"
        else:
            # The local date is the same for every instant of one 15-minute UTC block (zone offsets
            # and their changes fall on quarter hours), so it is worked out once per block.
            block = (due.date(), due.hour, due.minute // 15)
            day = days.get(block) or days.setdefault(block, due.astimezone().date().isoformat())
        flags = flag_text.get(c.flags)
        if flags is None:
            flags = flag_text[c.flags] = ",".join(sorted(c.flags - {"new", "learn", "review"}))
        lines.append(
            f"{c.pack_id}/{c.question_id}  {c.state:<10} due {day:<10} ivl {c.ivl:>6.1f}d  "
            f"lapses {c.lapses:<2} last {c.last_rating_name or '-':<5} {flags:<16} {c.prompt[:60]}"
        )
    lines.append("")
    out.write("\n".join(lines))
    out.flush()


def _act(ctx: typer.Context, action: str, query: str) -> None:
    from studyvm.study.browse import act

    if not query.strip():
        raise _fail(f"give a query: cards {action} acts on every card it matches")
    with _service(ctx) as svc:
        found = _search(svc, query).cards  # every match, never a page
        changed = act(svc, action, found)
    typer.echo(f"{action}: {changed} of {plural(len(found), 'matching card')} changed")


@cards_app.command("suspend")
def suspend(ctx: typer.Context, query: str = typer.Argument(..., help=QUERY_HELP)) -> None:
    """Suspend every card matching QUERY (never shown until unsuspended)."""
    _act(ctx, "suspend", query)


@cards_app.command("unsuspend")
def unsuspend(ctx: typer.Context, query: str = typer.Argument(..., help=QUERY_HELP)) -> None:
    """Unsuspend every card matching QUERY (try 'is:suspended')."""
    _act(ctx, "unsuspend", query)


@cards_app.command("unbury")
def unbury(ctx: typer.Context, query: str = typer.Argument(..., help=QUERY_HELP)) -> None:
    """End the burial of every card matching QUERY now (try 'is:buried')."""
    _act(ctx, "unbury", query)


@cards_app.command("forget")
def forget(ctx: typer.Context, query: str = typer.Argument(..., help=QUERY_HELP)) -> None:
    """Reset every card matching QUERY to new (its review history is kept)."""
    _act(ctx, "forget", query)


def register(app: typer.Typer) -> None:
    """Add ``cards`` to the root app."""
    app.add_typer(cards_app, name="cards")
