"""The scenario file as YAML text: what is refused before parsing (invalid characters,
aliases, deep nesting), keys given twice, and where a location lies in the file (its line
and its field, ``line 12, events[0].capacity.value``)."""

from __future__ import annotations

from typing import Any

import yaml

from reechain.engine.scenario.events import EVENT_TYPES
from reechain.engine.scenario.limits import MAX_DEPTH, ScenarioError


def check_text(text: str, source: str) -> None:
    """Refuse, before parsing, what no scenario needs and what would make parsing costly:
    text that isn't valid Unicode (lone surrogates), YAML aliases (``*name``: a small text
    expanding to thousands of events), nesting deeper than :data:`MAX_DEPTH`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ScenarioError(source, [("?", "the text holds invalid characters (a lone "
                                      "surrogate); send UTF-8 text")]) from None  # fmt: skip
    depth = 0
    try:
        for token in yaml.scan(text):
            if isinstance(token, yaml.AliasToken):
                line = token.start_mark.line + 1
                raise ScenarioError(source, [(f"line {line}", "YAML aliases (*name) are not "
                                              "accepted; write each event out")])  # fmt: skip
            if isinstance(
                token,
                (
                    yaml.FlowMappingStartToken,
                    yaml.FlowSequenceStartToken,
                    yaml.BlockMappingStartToken,
                    yaml.BlockSequenceStartToken,
                ),
            ):
                depth += 1
            elif isinstance(
                token, (yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken, yaml.BlockEndToken)
            ):
                depth -= 1
            if depth > MAX_DEPTH:
                line = token.start_mark.line + 1
                raise ScenarioError(source, [(f"line {line}", f"nested more than {MAX_DEPTH} "
                                              "levels deep; a scenario needs a few")])  # fmt: skip
    except yaml.YAMLError:
        return  # parsing reports it with its line


def line_of(node: Any, loc: tuple) -> int | None:
    """The line [1-based] of the YAML node at ``loc``, None if the file has no such node."""
    for key in loc:
        node = _child(node, key)
        if node is None:
            return None
    return node.start_mark.line + 1


def duplicate_keys(node: Any) -> list[tuple[str, str]]:
    """(where, message) of every key given twice in one mapping of the YAML ``node`` tree
    (YAML loaders keep the last silently)."""
    found: list[tuple[str, str]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                name = getattr(key, "value", None)
                line = key.start_mark.line + 1
                if isinstance(name, str) and name in seen:
                    found.append(
                        (f"line {line}", f"key {name!r} is given twice (first on line "
                         f"{seen[name]}); keep one")
                    )  # fmt: skip
                elif isinstance(name, str):
                    seen[name] = line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(found, key=lambda p: int(p[0].split()[1]))


def where_of(node: Any, loc: tuple) -> str:
    """'line 12, events[0].capacity.value' for a pydantic error location in a YAML node tree."""
    path, line = [], None
    current = node
    for part in loc:
        if isinstance(part, str) and part in EVENT_TYPES and path and path[-1].endswith("]"):
            continue  # pydantic's discriminator tag is not part of the file
        key = "from" if part == "from_" else part
        if current is not None:
            line = current.start_mark.line + 1
            current = _child(current, key)
            if current is not None:
                line = current.start_mark.line + 1
        path.append(f"[{key}]" if isinstance(key, int) else f".{key}" if path else str(key))
    field = "".join(path) or "(top level)"
    return f"line {line}, {field}" if line else field


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if str(k.value) == str(key):
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None
