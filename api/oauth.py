"""OAuth 2.0 client credentials for machine clients (django-oauth-toolkit)."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class MachineClientValidator(OAuth2Validator):
    pass
