"""Read the examples of DataHub's ML Model Group page as they stand.

The page is stored as text taken from the rendered HTML, so code blocks lost their indentation and
their fences: a block starts at its "# Inlined from" line and ends where prose resumes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

SEED_PAGE = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "ml-model-group.md"
_BLOCK_START = "# Inlined from "
_OPENERS, _CLOSERS = "([{", ")]}"


@dataclass(frozen=True)
class Example:
    name: str
    code: str


def seed_page() -> Path | None:
    path = SEED_PAGE.resolve()
    return path if path.is_file() else None


def python_examples(text: str) -> list[Example]:
    lines = text.splitlines()
    examples = []
    for index, line in enumerate(lines):
        if line.startswith(_BLOCK_START):
            name = Path(line[len(_BLOCK_START) :].strip()).stem
            examples.append(Example(name, restore_indentation(_block(lines, index))))
    return examples


def _block(lines: list[str], start: int) -> list[str]:
    """Lines from ``start`` up to the first paragraph that reads as prose."""
    block: list[str] = []
    for line in lines[start:]:
        if block and block[-1] == "" and _is_prose(line):
            break
        block.append(line)
    while block and block[-1] == "":
        block.pop()
    return block


def _is_prose(line: str) -> bool:
    """Prose paragraphs start with a capitalised word; these examples' statements never do."""
    return bool(re.match(r"^[A-Z]", line)) or line.startswith(("  •", "curl "))


def restore_indentation(lines: list[str]) -> str:
    """Indent by bracket depth, and after a line ending in ':' until the next blank line."""
    out, depth, block_indent = [], 0, 0
    for raw in lines:
        line = raw.strip()
        if not line:
            block_indent = 0 if depth == 0 else block_indent
            out.append("")
            continue
        leading_closers = len(line) - len(line.lstrip(_CLOSERS))
        indent = block_indent + 4 * max(depth - leading_closers, 0)
        out.append(" " * indent + line)
        depth += _bracket_balance(line)
        if depth == 0 and line.endswith(":") and not line.startswith("#"):
            block_indent += 4
    code = "\n".join(out) + "\n"
    ast.parse(code)  # a block that does not parse is a bug in this reader, not in the server
    return code


def _bracket_balance(line: str) -> int:
    balance, quote = 0, ""
    for char in line:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in _OPENERS:
            balance += 1
        elif char in _CLOSERS:
            balance -= 1
    return balance


def curl_commands(text: str) -> list[str]:
    """The page's curl examples, continuation lines joined."""
    commands, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("curl ") or current:
            current += stripped.rstrip("\\").strip() + " "
            if not stripped.endswith("\\"):
                commands.append(current.strip())
                current = ""
    return commands
