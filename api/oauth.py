"""OAuth 2.0 client credentials for machine clients (django-oauth-toolkit).

DOT runs the token and revocation endpoints; this validator adds OneGate's
rules: only a registered, active machine client gets a token, only for scopes
it was granted, and a client with a public key authenticates with a signed
assertion (`private_key_jwt`, api/keys.py), never with a secret.
"""

import logging

from django.conf import settings
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from api import keys
from api.auth import token_url
from api.models import MachineClient

logger = logging.getLogger(__name__)


def _machine_client(application) -> MachineClient | None:
    if application is None:
        return None
    return MachineClient.objects.active().filter(application=application).first()


class MachineClientValidator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs):
        if request._params.get("client_assertion_type") or request._params.get("client_assertion"):
            return self._authenticate_assertion(request)
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = _machine_client(request.client)
        if client is None or client.public_key:
            logger.info("Token refused: %s is no active machine client with a secret", request.client.client_id)
            return False
        request.machine_client = client
        return True

    def _authenticate_assertion(self, request) -> bool:
        assertion = request._params.get("client_assertion") or ""
        if request._params.get("client_assertion_type") != keys.ASSERTION_TYPE or not assertion:
            return False
        try:
            client_id = keys.unverified_issuer(assertion)
            if request.client_id and request.client_id != client_id:
                raise keys.AssertionRejected("client_id differs from the issuer")
            application = get_application_model().objects.filter(client_id=client_id).first()
            client = _machine_client(application)
            if client is None or not client.public_key:
                raise keys.AssertionRejected("no active machine client with a key")
            keys.verify_assertion(
                assertion,
                client_id=client_id,
                public_key=client.public_key,
                # RFC 7523 §3: the authorization server, by its token endpoint or its own address.
                audiences=[token_url(), settings.SITE_URL],
            )
        except keys.AssertionRejected as exc:
            logger.info("Client assertion refused: %s", exc)
            return False
        request.client = application
        request.machine_client = client
        return True

    def client_authentication_required(self, request, *args, **kwargs):
        return True

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        machine_client = getattr(request, "machine_client", None) or _machine_client(client)
        return machine_client is not None and set(scopes) <= set(machine_client.scopes)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        machine_client = getattr(request, "machine_client", None) or _machine_client(request.client)
        return list(machine_client.scopes) if machine_client else []
