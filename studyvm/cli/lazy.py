"""The root command group, which imports a command's module only when that command is used.

Every area keeps its commands in its own module exposing ``register(app)``. Importing all of
them, and letting typer turn every function signature into click parameters, cost about as much
as importing typer itself; ``studyvm --help`` needs none of it and ``studyvm sim list`` needs one
area. :class:`LazyGroup` knows each command's name, area and one-line help from
:data:`COMMANDS`, lists them in the root help from that table, and registers an area on a scratch
typer app, converting it as typer would have, the first time one of its commands is resolved
(run, or asked for its own ``--help``). ``tests/cli/test_lazy_cli.py`` holds the table to the real
help texts and the output to the eager registration's.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import MutableMapping
from difflib import get_close_matches
from typing import Any, NamedTuple

import typer
from typer.core import TyperGroup

from studyvm.cli.boundary import BoundaryGroup
from studyvm.cli.coercion import install

AREAS: dict[str, tuple[str, ...]] = {
    "study": ("studyvm.cli.study_cmds",),
    "sim": ("studyvm.cli.sim_cmds",),
    "tui": ("studyvm.cli.tui_cmds",),
    # media and lint add to the `pack` group; its commands keep the order the eager app gave them
    "pack": ("studyvm.cli.media_cmds", "studyvm.cli.pack_cmds", "studyvm.cli.lint_cmds"),
    "cards": ("studyvm.cli.card_cmds",),
    "class": ("studyvm.cli.class_cmds",),
    "config": ("studyvm.cli.config_cmds",),
}
"""Area -> the modules whose ``register(app)`` add its commands, called in this order."""


class Entry(NamedTuple):
    """One root command as the root help shows it."""

    area: str
    """The key in :data:`AREAS` of the modules that define it."""
    summary: str
    """The first paragraph of its help, spaces collapsed (what click shortens for the list)."""


COMMANDS: dict[str, Entry] = {
    "study": Entry("study", "Review due cards (FSRS spaced repetition), then new ones within the daily limit."),
    "quiz": Entry("study", "A practice quiz with instant feedback, or with --exam a timed mock exam."),
    "stats": Entry("study", "Your progress: reviews, due cards, mastery by topic, streak, forecast, exam scores."),
    "report": Entry(
        "study",
        "For instructors: every learner's progress and the hardest questions, or with --items an item analysis.",
    ),
    "doctor": Entry("sim", "Describe this machine: virtualization flags, /dev/kvm, and whether it is itself a guest."),
    "lab": Entry("tui", "Open the simulator lab: workloads, profiles, modes, trace, kernel diff, doctor."),
    "pack": Entry("pack", "Question packs: validate, list, show, export, add, import."),
    "cards": Entry("cards", "Find cards with a search query and act on them (Anki's browser, in the shell)."),
    "sim": Entry("sim", "The simulated machine: run a guest under each virtualization mode."),
    "class": Entry("class", "A class database on PostgreSQL: roles, logins and row-level security."),
    "config": Entry(
        "config",
        "The settings file (settings.toml): check it, list the key binding ids, daily limits per pack, where it is.",
    ),
}
"""Every root command, in the order of the root help, with its area and one-line help. A new root
command needs its row here (and a new module its area above): the lazy-CLI tests fail without."""

_registered: dict[str, typer.Typer] = {}
"""Area -> the scratch app its modules registered on (once per process, as the eager app did)."""


def area_app(area: str) -> typer.Typer:
    """The typer app holding ``area``'s commands, its modules imported and registered on first use."""
    app = _registered.get(area)
    if app is None:
        app = typer.Typer()
        for name in AREAS[area]:
            importlib.import_module(name).register(app)
        _registered[area] = app
    return app


class _Listed:
    """What the root help needs of a command not loaded yet (click's ``get_short_help_str``)."""

    hidden = False

    def __init__(self, summary: str) -> None:
        self.summary = summary

    def get_short_help_str(self, limit: int = 45) -> str:
        """The one-line help, shortened as click shortens a command's help."""
        from typer._click.utils import make_default_short_help

        return make_default_short_help(self.summary, limit).strip()


def _command_name(info: Any) -> str:
    """The name typer gives a registered command (``CommandInfo``)."""
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _group_name(info: Any) -> str | None:
    """The name of a registered sub-app (``TyperInfo``): given to ``add_typer`` or to its ``Typer``."""
    for name in (info.name, getattr(info.typer_instance, "info", info).name):
        if isinstance(name, str):  # not typer's "unset" placeholder
            return name
    return None


def trimmed(app: typer.Typer, name: str, rest: list[str]) -> typer.Typer:
    """A copy of ``app`` holding only the command ``name``; if that is a group and ``rest[0]`` names
    one of its commands, the group holds only that one (what ``studyvm sim list`` runs, without
    converting the other thirteen ``sim`` commands). Siblings show only in a group's help and its
    "No such command" message, and neither happens when the next word names a command."""
    out = copy.copy(app)
    out.registered_commands = [c for c in app.registered_commands if _command_name(c) == name]
    out.registered_groups = []
    for info in app.registered_groups:
        if _group_name(info) != name:
            continue
        sub = info.typer_instance
        # a group with a callback of its own might read ``rest[0]`` as its argument: kept whole
        if rest and sub is not None and not sub.registered_groups and sub.registered_callback is None:
            only = [c for c in sub.registered_commands if _command_name(c) == rest[0]]
            if only:
                info = copy.copy(info)
                info.typer_instance = copy.copy(sub)
                info.typer_instance.registered_commands = only
        out.registered_groups.append(info)
    return out


class LazyGroup(BoundaryGroup):
    """The ``studyvm`` group: :class:`BoundaryGroup` with its commands loaded on first use."""

    pretty_exceptions_short = True
    """What typer passes down to the commands it converts: the root app's setting (typer's default)."""

    def _convert(self, app: typer.Typer) -> MutableMapping[str, Any]:
        """``app``'s commands converted to click commands as typer converts a sub-app, plain values installed."""
        group = typer.main.get_group_from_info(
            typer.models.TyperInfo(app),
            pretty_exceptions_short=self.pretty_exceptions_short,
            rich_markup_mode=self.rich_markup_mode,
            suggest_commands=self.suggest_commands,
        )
        for command in group.commands.values():
            install(command)
        return group.commands

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command's name, without loading any."""
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, its whole area loaded and converted if it was not yet."""
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in COMMANDS:
            for name, loaded in self._convert(area_app(COMMANDS[cmd_name].area)).items():
                self.commands.setdefault(name, loaded)
            command = self.commands.get(cmd_name)
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of the root help, from :data:`COMMANDS` for the commands not loaded."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name) or _Listed(COMMANDS[name].summary)
            if not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)  # as click lays it out
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """The command the first word names, converting no more of its area than the words ask for
        (see :func:`trimmed`); otherwise as typer's, with "Did you mean" drawn from every command."""
        name = args[0] if args else ""
        if name in COMMANDS and name not in self.commands:
            command = self._convert(trimmed(area_app(COMMANDS[name].area), name, args[1:2])).get(name)
            if command is not None:
                return name, command, args[1:]
        try:
            return TyperGroup._click_resolve_command(self, ctx, args)
        except typer._click.exceptions.UsageError as exc:
            if self.suggest_commands and args:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in matches)}?"
            raise
