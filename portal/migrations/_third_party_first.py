"""The third-party apps' migrations, applied right after the user model and before the project's own.

Each migration operation renders again the models related to the model it changes. The
third-party models point at the user model, and by the end of the plan almost every model of
the project does too: applied last, django-oauth-toolkit's twenty-odd migrations would render
the whole project's models again and again (three quarters of their time). The project's
first migrations that build on the user model depend on these, so the plan applies them while
the user model stands nearly alone.
"""

THIRD_PARTY_FIRST = [
    ("account", "__latest__"),
    ("admin", "__latest__"),
    ("allauth_idp_oidc", "__latest__"),
    ("mfa", "__latest__"),
    ("oauth2_provider", "__latest__"),
    ("sessions", "__latest__"),
]
