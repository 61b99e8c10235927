"""Writing outputs atomically: everything is rendered into a staging folder first and moved into
place only when every file is complete, so a failed run leaves nothing behind.

A fault of the file system (a read-only folder, a full disk, a path that is a file) is a `SkrivFel`
with a Swedish message that names the file and what to do, never an internal error."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import SkrivFel, orsak, skrivfel


def _fel_i_stage(exc: OSError, stage: Path, ut: Path) -> SkrivFel:
    """The OSError of a write into the staging folder, naming the file where it was going to end up."""
    if exc.filename is None:  # a write() on an open file: ENOSPC carries no file name
        return skrivfel(exc, f"i {ut}")
    fil = Path(os.fsdecode(exc.filename)).absolute()
    if fil.is_relative_to(stage):
        return skrivfel(exc, str(ut / fil.relative_to(stage)))
    return SkrivFel(f"{fil}: {orsak(exc)}")


@contextmanager
def atomisk_mapp(ut: str | Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into `ut` (each by an atomic rename).

    On any exception the staging folder is removed and `ut` is left as it was (not even created).
    An OSError from the operating system (it has an errno) becomes a SkrivFel.
    """
    ut = Path(ut).absolute()
    if ut.exists() and not ut.is_dir():
        raise SkrivFel(f"{ut} är en fil, inte en mapp; ange en mapp med --out")
    # Stage on the same file system as the result (inside `ut` if it exists: it may be a mount point),
    # without creating anything new until everything is rendered.
    ancestor = ut if ut.exists() else ut.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise SkrivFel(f"{ancestor} är en fil, inte en mapp, så {ut} kan inte skapas; ange en mapp med --out")
    try:
        stage = Path(tempfile.mkdtemp(prefix=".kommunrapport-", dir=ancestor))
    except OSError as exc:
        raise skrivfel(exc, f"i {ancestor}") from exc
    try:
        try:
            yield stage
        except OSError as exc:
            if exc.errno is None:  # raised by a library, not by the file system: a program error
                raise
            raise _fel_i_stage(exc, stage, ut) from exc
        created = None if ut.exists() else ut  # the topmost folder this creates, removed again on a failure
        while created is not None and not created.parent.exists():
            created = created.parent
        try:
            ut.mkdir(parents=True, exist_ok=True)
            for f in sorted(stage.iterdir()):
                os.replace(f, ut / f.name)
        except BaseException as exc:
            if created is not None:
                shutil.rmtree(created, ignore_errors=True)
            if isinstance(exc, OSError) and exc.errno is not None:
                raise skrivfel(exc, f"i {ut}") from exc
            raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
