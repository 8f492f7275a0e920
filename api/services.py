"""Machine clients: registration, deactivation, and revoking their tokens.

The client secret exists in clear only in the value `machine_client_register`
returns: DOT stores it hashed, and nothing here logs it.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_application_model, revoke_access_token

from api.keys import load_public_key
from api.models import MachineClient, validate_scopes

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    client: MachineClient
    client_id: str
    # Shown once, to whoever registered the client; None for a client that signs assertions with its key.
    secret: str | None = None

    def __repr__(self):  # never print the secret by accident
        return f"Registration(client_id={self.client_id!r})"


@transaction.atomic
def machine_client_register(*, department, name: str, scopes: list[str], public_key: str | None = None, actor) -> Registration:
    """Register a departmental system. A client with a public key authenticates only with
    `private_key_jwt`; any other gets a secret, returned here once and stored only as a hash."""
    public_key = (public_key or "").strip()
    if public_key:
        load_public_key(public_key)  # refuses private, symmetric and weak keys
    validate_scopes(list(scopes))
    secret = generate_client_secret()
    Application = get_application_model()
    application = Application(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        # A key client gets an unusable random secret that nobody ever sees.
        client_secret=secret if not public_key else secrets.token_urlsafe(48),
        hash_client_secret=True,
        skip_authorization=True,
    )
    application.full_clean()
    application.save()
    client = MachineClient(
        application=application,
        department=department,
        scopes=sorted(set(scopes)),
        public_key=public_key,
        created_by=actor,
    )
    client.full_clean()
    client.save()
    logger.info("Machine client %s registered for %s by %s", application.client_id, department.code, actor)
    return Registration(client=client, client_id=application.client_id, secret=None if public_key else secret)


def machine_client_revoke_tokens(*, client: MachineClient) -> int:
    """Revoke every access token of `client` (and its refresh tokens); returns how many."""
    tokens = list(get_access_token_model().objects.filter(application_id=client.application_id))
    for token in tokens:
        revoke_access_token(token)
    return len(tokens)


@transaction.atomic
def machine_client_deactivate(*, client: MachineClient, actor, at=None) -> MachineClient:
    """Stop a client: no new tokens, and the ones it holds stop working at once."""
    at = at or timezone.now()
    MachineClient.objects.filter(pk=client.pk, is_active=True).update(is_active=False, deactivated_at=at)
    machine_client_revoke_tokens(client=client)
    client.refresh_from_db()
    logger.info("Machine client %s deactivated by %s", client.client_id, actor)
    return client
