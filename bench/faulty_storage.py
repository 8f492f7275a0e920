"""A private storage that fails on demand, for the fault drills of bench/drill.py. Never used by the portal.

`FaultyStorage` is Django's FileSystemStorage with two switches, each a file whose presence
turns it on (so that the drill flips them from outside, for every web and worker process at
once). The stack selects it through the settings the portal already reads:

    STORAGE_BACKEND=faulty_storage.FaultyStorage
    STORAGE_OPTIONS={"location": ".../private", "fail_flag": ".../storage-fails", "kill_flag": ".../kill-after-store"}

- `fail_flag`: while the file exists, every save raises OSError (EIO), as a full disk, a lost
  mount or an object store that does not answer would. Reads and deletes still work.
- `kill_flag`: the file holds a name prefix (say `licenses/`). The first process to store a
  file under it afterwards removes the flag, notes the stored name in `<kill_flag>.hit`, then
  sends SIGKILL to its own process group: the whole Celery worker dies right after the upload
  and before anything is recorded, the worst moment for orphan files. Removing the flag first
  makes it fire once, whichever process gets there first.

With neither file present it behaves exactly as FileSystemStorage.
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class FaultyStorage(FileSystemStorage):
    def __init__(self, *, fail_flag: str = "", kill_flag: str = "", **options):
        super().__init__(**options)
        self.fail_flag = Path(fail_flag) if fail_flag else None
        self.kill_flag = Path(kill_flag) if kill_flag else None

    def _save(self, name, content):
        if self.fail_flag is not None and self.fail_flag.exists():
            raise OSError(errno.EIO, "drill: the private storage is failing", name)
        name = super()._save(name, content)
        if self.kill_flag is not None:
            self._maybe_die(name)
        return name

    def _maybe_die(self, name: str) -> None:
        try:
            prefix = self.kill_flag.read_text().strip()
        except FileNotFoundError:
            return
        if not name.startswith(prefix):
            return
        try:
            self.kill_flag.unlink()  # only one process wins this
        except FileNotFoundError:
            return
        hit = self.kill_flag.with_name(self.kill_flag.name + ".hit")
        hit.write_text(f"{name}\n{os.getpid()}\n")
        os.killpg(os.getpgrp(), signal.SIGKILL)
