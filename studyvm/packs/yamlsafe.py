"""Safe, bounded YAML reading that remembers where every value came from.

PyYAML composes the document into nodes (no object construction, so no code runs); we then
build plain Python data ourselves, recording the line and column of every key and value so that
schema errors can point at the offending line. Size, nesting depth and alias expansion are
capped, so a hostile file (a 60 MB blob, an alias bomb, binary garbage) fails fast with a clear
message instead of hanging or exhausting memory.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
import yaml_rs
from yaml.constructor import ConstructorError, SafeConstructor

from studyvm.packs.yamldepth import NestingTooDeep, check_nesting

try:  # libyaml's parser is ~10x faster; fall back to the pure-Python one where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest YAML file read; bigger files are refused before parsing."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted."""
MAX_ALIAS_NODES = 100_000
"""How many nodes alias expansion may add in one file (stops 'billion laughs' bombs)."""
MAX_ALIAS_CHARS = 2_000_000
"""How many characters of text alias expansion may add in one file (stops long-string bombs)."""

Path_ = tuple[str | int, ...]
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"


class YamlProblem(Exception):
    """A file that cannot be read as YAML; carries a 1-based line and column."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


class Positions:
    """Finds the line/column (1-based) of any path in a document, on demand.

    Positions are only needed when something is wrong, so instead of recording one per value
    we keep the composed node tree and walk it along the path when asked.
    """

    def __init__(self, root: yaml.Node | None = None) -> None:
        self._root = root

    def locate(self, path: Path_, value: bool = False) -> tuple[int, int]:
        """Position of ``path`` (a mapping key's position for a key), or of its nearest ancestor.

        With ``value``, a key holding a scalar gives the scalar's position instead: a wrong
        value is fixed where it is written, not where its key is.
        """
        node = self._root
        if node is None:
            return (1, 1)
        where = _mark(node)
        for part in path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                        where, node = _mark(key_node), value_node
                        break
                else:
                    return where
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                where = _mark(node)
            else:
                return where
        if value and path and isinstance(node, yaml.ScalarNode):
            return _mark(node)
        return where


_SCALAR_CONSTRUCTOR = SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_BINARY_TAG = "tag:yaml.org,2002:binary"
_MAP_TAG = "tag:yaml.org,2002:map"


class _FastResolveLoader(_Loader):  # type: ignore[misc, valid-type]
    """The safe loader with a shortcut for the commonest case: plain text starting with a letter.

    Only first characters that can begin a YAML 1.1 null, bool, number or special value go
    through PyYAML's regex-based resolver; the result is the same, found sooner.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        """The tag of a node; plain text that cannot be special is a string at once."""
        if kind is yaml.ScalarNode and implicit[0] and value and value[0] not in _MAYBE_SPECIAL:
            return _STR_TAG
        return super().resolve(kind, value, implicit)


_MAYBE_SPECIAL = frozenset("yYnNtTfFoO~-+.0123456789=<")


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain data, enforcing the depth and alias caps."""

    def __init__(self, track_aliases: bool) -> None:
        self._track = track_aliases
        self._seen: set[int] = set()
        self._alias_budget = MAX_ALIAS_NODES
        self._alias_chars = MAX_ALIAS_CHARS

    def build(self, node: yaml.Node, depth: int, in_alias: bool) -> Any:
        if depth > MAX_DEPTH:
            raise YamlProblem(_TOO_DEEP, *_mark(node))
        if self._track:
            # The composer hands back the same node object for every alias: a second visit is
            # an alias expansion, which we count so that nested aliases cannot explode.
            if id(node) in self._seen:
                in_alias = True
            else:
                self._seen.add(id(node))
            if in_alias:
                self._alias_budget -= 1
                if self._alias_budget < 0:
                    raise YamlProblem(
                        f"aliases expand to more than {MAX_ALIAS_NODES} values (an alias bomb?)", *_mark(node)
                    )
        node_class = node.__class__
        if in_alias and node_class is yaml.ScalarNode:
            self._alias_chars -= len(node.value)
            if self._alias_chars < 0:
                raise YamlProblem(
                    f"aliases expand to more than {MAX_ALIAS_CHARS:,} characters of text (an alias bomb?)", *_mark(node)
                )
        if node_class is yaml.ScalarNode:
            return node.value if node.tag == _STR_TAG else self._scalar(node)
        if node.tag not in (_SEQ_TAG, _MAP_TAG):
            raise YamlProblem(f"unsupported tag {node.tag}", *_mark(node))
        if node_class is yaml.SequenceNode:
            return [self.build(item, depth + 1, in_alias) for item in node.value]
        return self._mapping(node, depth, in_alias)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR_TAG or node.tag == _TIMESTAMP_TAG:  # dates stay text: fields are strings
            return node.value
        if node.tag == _BINARY_TAG:  # would be read back as its base64 text (F18)
            raise YamlProblem("unsupported tag !!binary: packs hold text", *_mark(node))
        try:
            return _SCALAR_CONSTRUCTOR.construct_object(node, deep=True)
        except ConstructorError as exc:
            raise YamlProblem(f"unsupported value: {exc.problem}", *_mark(node)) from None

    def _mapping(self, node: yaml.MappingNode, depth: int, in_alias: bool) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise YamlProblem("a mapping key must be a plain value", *_mark(key_node))
            key = key_node.value if key_node.tag == _STR_TAG else str(self._scalar(key_node))
            if key in result:
                raise YamlProblem(f"duplicate key '{key}'", *_mark(key_node))
            result[key] = self.build(value_node, depth + 1, in_alias)
        return result


def _syntax_hint(text: str, line: int, problem: str = "") -> str:
    """A hint for the commonest mistakes at line ``line`` (1-based): a tab in the indentation, which
    YAML forbids, or a ``: `` inside unquoted text, which YAML reads as a second key."""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = here[: len(here) - len(here.lstrip())]
    if "\t" in indent:
        return " (this line is indented with a tab: YAML needs spaces)"
    key, _, value = here.strip().removeprefix("- ").partition(": ")
    if "mapping values are not allowed" in problem and ": " in value and value[:1] not in "\"'[{|>":
        shown = value if len(value) <= 40 else value[:39] + "…"
        return f' (text holding ": " must be quoted: {key}: "{shown}")'
    return ""


def _compose(text: str) -> yaml.Node | None:
    """PyYAML's node tree of ``text``, with its errors turned into :class:`YamlProblem`."""
    try:
        return yaml.compose(text, Loader=_FastResolveLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if "nesting depth" in problem or "nesting level" in problem:  # libyaml's own cap (0.2.5 on)
            raise YamlProblem(_TOO_DEEP, line, col) from None
        hint = _syntax_hint(text, line, problem)
        if hint and "cannot start any token" in problem:  # the tab is the whole story; the parser's words hide it
            raise YamlProblem("YAML syntax: this line is indented with a tab; YAML needs spaces", line, col) from None
        raise YamlProblem(f"YAML syntax: {problem}{hint}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}") from None
    except RecursionError:
        raise YamlProblem(_TOO_DEEP) from None


def check_strictly(text: str) -> None:
    """Walk ``text`` with PyYAML and our own caps, raising a positioned :class:`YamlProblem`.

    Catches what the fast parser either reports without a position or quietly accepts: several
    documents, tags such as ``!!python/object``, duplicate keys, alias bombs, deep nesting.
    """
    node = _compose(text)
    if node is None:
        return
    try:
        _Builder(track_aliases="&" in text).build(node, 0, False)
    except RecursionError:
        raise YamlProblem(_TOO_DEEP) from None


class LazyPositions(Positions):
    """:class:`Positions` for a text, composed with PyYAML only when a position is asked for."""

    def __init__(self, text: str) -> None:
        super().__init__(None)
        self._text: str | None = text

    def locate(self, path: Path_, value: bool = False) -> tuple[int, int]:
        """Compose the text on the first call, then as :meth:`Positions.locate`."""
        if self._text is not None:
            try:
                self._root = _compose(self._text)
            except YamlProblem:
                self._root = None
            self._text = None
        return super().locate(path, value)


_NEEDS_STRICT_CHECK = re.compile(r"^(?:---|\.\.\.)(?:\s|$)|(?:^|[\s\[\{,:-])!", re.MULTILINE)
"""Document markers or tags: things the fast parser would silently accept."""
_ERROR_AT = re.compile(r"line (\d+), column (\d+)")


def parse_yaml_text(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document from ``text``; raise :class:`YamlProblem` on any failure.

    Values come from ``yaml_rs`` (a fast YAML 1.2 parser with alias and depth limits, so ``no``
    stays the text "no"); PyYAML is used only to find positions and to explain errors.
    """
    try:  # before any parser: both recurse on the C stack, and yaml_rs crashes on deep blocks
        check_nesting(text, MAX_DEPTH)
    except NestingTooDeep as exc:
        raise YamlProblem(_TOO_DEEP, exc.line, exc.col) from None
    if _NEEDS_STRICT_CHECK.search(text) or (_has_marker(text, "&") and _has_marker(text, "*")):
        check_strictly(text)
    try:
        data = yaml_rs.loads(
            text,
            parse_datetime=False,
            alias_limits=yaml_rs.AliasLimits(max_total_replayed_events=MAX_ALIAS_NODES),
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except yaml_rs.YAMLDecodeError as exc:
        check_strictly(text)  # raises with PyYAML's position and words when it sees the problem too
        message = str(exc).strip().splitlines()
        found = _ERROR_AT.search(str(exc))
        line, col = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        raise YamlProblem(f"YAML syntax: {message[-1] if message else 'invalid YAML'}", line, col) from None
    return data, LazyPositions(text)


def _has_marker(text: str, marker: str) -> bool:
    """Whether ``marker`` (``&`` for an anchor, ``*`` for an alias) starts a YAML node anywhere.

    Where both kinds appear, PyYAML's walk counts what the aliases expand to. A plain
    ``str.find`` loop: far quicker than a multi-line regex over a large file.
    """
    pos = text.find(marker)
    while pos >= 0:
        before = text[pos - 1] if pos else "\n"
        after = text[pos + 1 : pos + 2]
        if before in _BEFORE_NODE and after and after not in _NOT_IN_NAME:
            return True
        pos = text.find(marker, pos + 1)
    return False


_BEFORE_NODE = frozenset(" \t\r\n[{,:-")
_NOT_IN_NAME = frozenset(" \t\r\n,[]{}")


def decode_text(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed); raise :class:`YamlProblem` at the first bad byte."""
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, col = _line_col(raw, offset)
        raise YamlProblem("binary data (NUL byte): not a text file", line, col)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        raise YamlProblem(f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})", line, col) from None


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def read_yaml_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[Any, Positions]:
    """Read, decode and parse a YAML file with every cap applied."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlProblem(f"cannot read file: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise YamlProblem(f"file is {size / 1_048_576:.1f} MB; the limit is {max_bytes / 1_048_576:.0f} MB")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(f"cannot read file: {exc.strerror or exc}") from None
    return parse_yaml_text(decode_text(raw))
