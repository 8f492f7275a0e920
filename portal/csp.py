"""The Content-Security-Policy middleware (settings.CONTENT_SECURITY_POLICY).

One change to django-csp's: a response that may be framed by our own pages
(Django's @xframe_options_sameorigin, as the material files the desk previews
are) gets frame-ancestors 'self'. Browsers obey frame-ancestors over
X-Frame-Options, so without this the policy's 'none' would hide the preview.
"""

from csp.constants import SELF
from csp.middleware import CSPMiddleware as BaseCSPMiddleware


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts
