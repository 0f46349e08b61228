"""Safe, bounded YAML reading that remembers where every value came from.

PyYAML composes the document into nodes (no object construction, so no code runs); we then
build plain Python data ourselves, recording the line and column of every key and value so that
schema errors can point at the offending line. Size, nesting depth and alias expansion are
capped, so a hostile file (a 60 MB blob, an alias bomb, binary garbage) fails fast with a clear
message instead of hanging or exhausting memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

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

Path_ = tuple[str | int, ...]


class YamlProblem(Exception):
    """A file that cannot be read as YAML; carries a 1-based line and column."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass
class Positions:
    """Line/column (1-based) of every value and mapping key, by path from the document root."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path_) -> tuple[int, int]:
        """Position of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)


_SCALAR_CONSTRUCTOR = SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain data, recording positions and enforcing caps."""

    def __init__(self) -> None:
        self.positions = Positions()
        self._seen: set[int] = set()
        self._alias_budget = MAX_ALIAS_NODES

    def build(self, node: yaml.Node, path: Path_, depth: int, in_alias: bool) -> Any:
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", *_mark(node))
        # The composer hands back the same node object for every alias: a second visit is an
        # alias expansion, which we count so that nested aliases cannot explode.
        if id(node) in self._seen:
            in_alias = True
        else:
            self._seen.add(id(node))
        if in_alias:
            self._alias_budget -= 1
            if self._alias_budget < 0:
                raise YamlProblem(
                    f"aliases expand to more than {MAX_ALIAS_NODES} values (an alias bomb?)",
                    *_mark(node),
                )
        if not in_alias:
            self.positions.values[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if node.tag not in (_SEQ_TAG, _MAP_TAG):
            raise YamlProblem(f"unsupported tag {node.tag}", *_mark(node))
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1, in_alias) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth, in_alias)
        raise YamlProblem("unsupported YAML node", *_mark(node))  # pragma: no cover

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR_TAG:
            return node.value
        if node.tag == _TIMESTAMP_TAG:  # dates stay text: pack fields are strings, not dates
            return node.value
        try:
            return _SCALAR_CONSTRUCTOR.construct_object(node, deep=True)
        except ConstructorError as exc:
            raise YamlProblem(f"unsupported value: {exc.problem}", *_mark(node)) from None

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int, in_alias: bool) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("a mapping key must be a plain value", *_mark(key_node))
            key = str(self._scalar(key_node))
            if key in result:
                raise YamlProblem(f"duplicate key '{key}'", *_mark(key_node))
            if not in_alias:
                self.positions.keys[(*path, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1, in_alias)
        return result


def parse_yaml_text(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document from ``text``; raise :class:`YamlProblem` on any failure."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(f"YAML syntax: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels") from None
    if node is None:
        return None, Positions()
    builder = _Builder()
    try:
        data = builder.build(node, (), 0, False)
    except RecursionError:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels") from None
    return data, builder.positions


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
