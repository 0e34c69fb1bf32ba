"""One trendsite process at a time writes an output folder: `build` and `serve` hold its lock.

The lock is an operating-system file lock (filelock, flock on Unix) on a file beside the output
folder, not in it: a first build renames a whole new folder into place. The system releases it when
its holder ends, however it ends, so the lock of a process that was killed is simply free. The file
also names its holder, so a build can tell a build, which it waits for, from a `serve`, which never
finishes and is refused at once.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout

from .errors import BuildError, Problem

_POLL = 0.1  # seconds between looks at a lock another process holds


def lock_path(output: Path) -> Path:
    """The lock file of an output folder."""
    output = output.resolve()
    return output.parent / f".{output.name}.trendsite-lock"


@contextmanager
def output_lock(output: Path, command: str, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold output/'s lock while the block runs, as `command` ("build" or "serve").

    A build holding it is waited for (`waiting` is told once); a `serve` holding it is a BuildError.
    The lock is held per process, so a build inside a `serve` that holds it goes ahead.
    """
    path = lock_path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One instance per path in a process: taken again, it counts, instead of waiting on itself.
        lock = FileLock(path, is_singleton=True, thread_local=False)
        held = lock.is_locked
        told = False
        while True:
            try:
                lock.acquire(blocking=False)
                break
            except Timeout:
                holder, pid = _holder(path)
                if holder == "serve":
                    raise BuildError([Problem(str(output), None, f"is in use by trendsite serve (process {pid}), "
                                              "which rebuilds it on every change",
                                              "stop it with Ctrl-C first, or give this command another --output")])
                if waiting and not told:
                    waiting(f"waiting for trendsite {holder or 'build'}{f' (process {pid})' if pid else ''} "
                            f"to finish writing {output}")
                    told = True
                time.sleep(_POLL)
    except OSError as exc:
        raise BuildError([Problem(str(path), None, f"cannot be made to lock the output folder: "
                                  f"{exc.strerror or exc}", "let trendsite write to the folder that holds "
                                  "the output folder, or choose another --output")]) from None
    try:
        if not held:
            with suppress(OSError):  # the name of the holder only words a message
                path.write_text(f"{command} {os.getpid()}\n", encoding="utf-8")
        yield
    finally:
        lock.release()


def _holder(path: Path) -> tuple[str, int | None]:
    """The command and process that hold the lock, as the file names them; ("", None) when it names no live one
    (the holder has only just taken it, or an earlier holder that ended wrote it)."""
    try:
        command, pid = path.read_text(encoding="utf-8").split()
        os.kill(int(pid), 0)
    except PermissionError:  # alive, another user's
        return command, int(pid)
    except (OSError, ValueError):
        return "", None
    return command, int(pid)
