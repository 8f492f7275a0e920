
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from portal import ratelimit
from seals import pki, selectors
from seals.forms import VerifyUploadForm

# Other apps add sections to the verification page: callables taking
# (request, report) and returning HTML (or None). Licenses add the license status.
verify_panels: list = []


def register_verify_panel(panel) -> None:
    if panel not in verify_panels:
        verify_panels.append(panel)


def _over_rate_limit(request) -> bool:
    """At most SEAL_VERIFY_PER_MINUTE uploads per minute from one address."""
    return ratelimit.hit("seal-verify", request, window=60) > settings.SEAL_VERIFY_PER_MINUTE


@require_http_methods(["GET", "POST"])
def verify(request):
    root = selectors.root_authority()
    form = VerifyUploadForm()
    report = None
    rate_limited = False
    if request.method == "POST":
        if _over_rate_limit(request):
            rate_limited = True
        else:
            form = VerifyUploadForm(request.POST, request.FILES)
            if form.is_valid():
                from seals.verification import verify_pdf  # pyHanko: loaded by the first check, not at start-up

                report = verify_pdf(form.cleaned_data["document"])
    panels = [html for html in (panel(request, report) for panel in verify_panels) if html]
    return render(
        request,
        "seals/verify.html",
        {
            "form": form,
            "report": report,
            "rate_limited": rate_limited,
            "panels": panels,
            "root": root,
            "fingerprint": pki.colon_hex(root.fingerprint_sha256) if root else "",
        },
        status=429 if rate_limited else 200,
    )


@require_GET
@cache_control(public=True, max_age=3600)
def root_ca_pem(request):
    root = selectors.root_authority()
    if root is None:
        raise Http404
    response = HttpResponse(root.certificate_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="onegate-root-ca.pem"'
    return response


def _crl_response(der: bytes | None, *, pem: bool, filename: str) -> HttpResponse:
    """A stored CRL as it is (a worker signs them): no key is ever opened to answer."""
    if der is None:
        raise Http404
    if pem:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        body = x509.load_der_x509_crl(der).public_bytes(serialization.Encoding.PEM)
        return HttpResponse(body, content_type="application/x-pem-file")
    response = HttpResponse(der, content_type="application/pkix-crl")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@cache_control(public=True, max_age=300)
def crl_der(request):
    return _crl_response(selectors.crl(), pem=False, filename="onegate-issuing-ca.crl")


@require_GET
@cache_control(public=True, max_age=300)
def crl_pem(request):
    return _crl_response(selectors.crl(), pem=True, filename="")


@require_GET
@cache_control(public=True, max_age=300)
def root_crl_der(request):
    return _crl_response(selectors.root_crl(), pem=False, filename="onegate-root-ca.crl")


@login_required
def seal_list(request):
    seals = selectors.seals_visible_to(request.user).order_by("department__code", "purpose", "-issued_at")
    return render(request, "seals/seal_list.html", {"seals": seals})


@login_required
def usage_log(request):
    usages = selectors.usages_visible_to(request.user)
    seal = None
    if request.GET.get("seal", "").isdigit():
        seal = get_object_or_404(selectors.seals_visible_to(request.user), pk=request.GET["seal"])
        usages = usages.filter(seal=seal)
    page = Paginator(usages, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    selectors.usage_subjects(page.object_list, request.user)
    return render(request, "seals/usage_log.html", {"page": page, "seal": seal})
