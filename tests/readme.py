"""The README's shell commands, read from its "Two commands" block: CI and the install test run exactly these.

    python tests/readme.py     # prints them, one a line, comments dropped
"""
from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_commands(readme: Path = README) -> list[str]:
    """The commands of the README's first ```sh block, without their trailing comments."""
    block = re.search(r"```sh\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    if block is None:
        raise ValueError(f"{readme} has no ```sh block of commands")
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


if __name__ == "__main__":
    print("\n".join(readme_commands()))
