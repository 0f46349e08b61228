"""Command-palette entries: every screen, and every action of the screen in front."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

SCREEN_COMMANDS = (
    ("dashboard", "Open the dashboard", "Packs, due cards, mastery and what to do next"),
    ("review", "Review due cards", "Spaced-repetition review with Anki's keys"),
    ("quiz", "Start a practice quiz", "Questions with feedback after each answer"),
    ("exam", "Start a mock exam", "A timed exam marked at the end"),
    ("lab", "Open the lab", "Run the simulator: workloads, profiles, modes"),
    ("stats", "Open statistics", "Heatmap, forecast, retention, mastery, exam history"),
    ("packs", "Open packs", "Installed packs and the problems of those that failed"),
    ("browse", "Browse cards", "Search every card, see its history, suspend, unsuspend, bury, forget"),
)
"""(screen name, palette title, help) for every screen."""


class StudyVMCommands(Provider):
    """Offers every screen and the visible bindings of the current screen in the palette."""

    def _entries(self) -> list[tuple[str, object, str]]:
        app = self.app
        entries: list[tuple[str, object, str]] = [
            (title, partial(app.open_screen, name), help_text)  # type: ignore[attr-defined]
            for name, title, help_text in SCREEN_COMMANDS
        ]
        screen = self.screen
        seen: set[str] = set()
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            if type(active.node).__module__.startswith("textual."):
                continue  # a widget's own keys (DataTable: Cursor up) are not StudyVM commands (p2)
            seen.add(binding.action)
            entries.append(
                (
                    f"{type(active.node).__name__.removesuffix('Screen')}: {binding.description}",
                    partial(self._run_action, active.node, binding.action),
                    binding.tooltip or f"key {active.binding.key_display or active.binding.key}",
                )
            )
        return entries

    async def _run_action(self, node: object, action: str) -> None:
        await self.app.run_action(action, node)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        """Everything, when nothing is typed yet."""
        for title, callback, help_text in self._entries():
            yield DiscoveryHit(title, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        """Entries whose title matches ``query``."""
        matcher = self.matcher(query)
        for title, callback, help_text in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)  # type: ignore[arg-type]
