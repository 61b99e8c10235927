"""Writing outputs atomically: everything is rendered into a staging folder first and moved into
place only when every file is complete, so a failed run leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import KommunrapportFel


@contextmanager
def atomisk_mapp(ut: str | Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into `ut` (each by an atomic rename).

    On any exception the staging folder is removed and `ut` is left as it was (not even created).
    """
    ut = Path(ut).absolute()
    if ut.exists() and not ut.is_dir():
        raise KommunrapportFel(f"{ut} är en fil, inte en mapp; ange en mapp med --out")
    # Stage on the same file system as the result (inside `ut` if it exists: it may be a mount point),
    # without creating anything new until everything is rendered.
    ancestor = ut if ut.exists() else ut.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    try:
        stage = Path(tempfile.mkdtemp(prefix=".kommunrapport-", dir=ancestor))
    except OSError as exc:
        raise KommunrapportFel(f"kan inte skriva i {ancestor}: {exc.strerror}") from exc
    try:
        yield stage
        created = not ut.exists()
        ut.mkdir(parents=True, exist_ok=True)
        try:
            for f in sorted(stage.iterdir()):
                os.replace(f, ut / f.name)
        except BaseException:
            if created:
                shutil.rmtree(ut, ignore_errors=True)
            raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
