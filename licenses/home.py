"""Licenses' part of the home page (portal.home gathers it through LicensesConfig)."""

from __future__ import annotations

import datetime

from licenses.models import License
from licenses.selectors import wallet

# A license counts as "ready" on the home page for this many days after it is issued. The
# wallet does not record whether its holder has opened it, so "new" is what we can honestly say.
NEW_LICENSE_DAYS = 14
TODO_LIMIT = 5


def to_dos(user, *, at: datetime.datetime) -> dict:
    """Valid licenses `user` (or an enterprise they act for) holds, issued in the last
    NEW_LICENSE_DAYS. One query."""
    licenses = (
        wallet(user)
        .filter(status=License.Status.VALID, issued_at__gte=at - datetime.timedelta(days=NEW_LICENSE_DAYS))
    )
    return {"licenses": list(licenses[:TODO_LIMIT])}
