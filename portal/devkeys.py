"""Keys that local development and demo mode create for themselves.

Production reads every key from the environment; these helpers only run when
DEBUG or DEMO_MODE is on, and write files readable by the owner alone.
"""

import os
import tempfile
from pathlib import Path


def local_oidc_key(path: Path) -> str:
    """The key in `path`, made on first use.

    Processes that start together on a fresh folder (`make run`'s server and
    worker) may both make one: each writes its own to a private temporary
    file and links it into place, so the first wins whole and the others read it.
    """
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".oidc-key-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            try:
                os.link(draft, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(draft)
    return path.read_text()
