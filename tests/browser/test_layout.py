"""The pages people said read badly, in a real browser on the seeded demo: the license wallet on a
desktop keeps each license number on one line; on a 375-pixel phone the desk list, "my office" and
the wallet never scroll sideways, their tables read as cards, the navigation folds into a menu
button, and axe-core finds nothing serious. With screenshots asked for (`make test-browser`), they go
to test-artifacts/layout/ to be looked at."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import mfa
from tests.browser.conftest import ARTIFACTS, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
SHOTS = ARTIFACTS / "layout"
LANGUAGES = ["zh-hans", "en"]


def _session(email: str) -> str:
    from portal.models import User

    client = Client()
    mfa.sign_in(client, User.objects.get(email=email))
    return client.cookies["sessionid"].value


def _open(browser, live_server, *, size, language, email):
    context = browser.new_context(viewport=size, base_url=live_server.url)
    context.add_cookies([
        {"name": "django_language", "value": language, "url": live_server.url},
        {"name": "sessionid", "value": _session(email), "url": live_server.url},
    ])
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def _axe_clean(page) -> None:
    bad = [(v["id"], v["nodes"][:3]) for v in axe_violations(page)]
    assert not bad, f"axe on {page.url}: {bad}"


def _shot(page, name: str) -> None:
    screenshot(page, name, SHOTS)


@pytest.fixture
def demo(settings, tmp_path, live_server):
    settings.SEAL_KEK_FILE = str(tmp_path / "seal-kek.key")
    settings.SEAL_TSA_URL = ""
    settings.SITE_URL = live_server.url
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    from portal.models import User
    from tests.factories import enrol_totp

    for user in User.objects.filter(staff_roles__isnull=False).distinct():
        enrol_totp(user)


def test_the_wallet_the_desk_and_my_office_read_well_on_a_desktop_and_a_phone(browser, live_server, demo):
    from licenses.models import License

    assert License.objects.filter(holder_person__user__email="citizen@demo.onegate").exists()
    pages = [
        ("citizen@demo.onegate", reverse("wallet"), "wallet"),
        ("citizen@demo.onegate", reverse("me"), "me"),
        ("approver@demo.onegate", reverse("desk"), "desk"),
    ]
    for language in LANGUAGES:
        # A desktop: each license number on one line, the navigation shown in full without its menu button.
        context, page = _open(browser, live_server, size=DESKTOP, language=language, email="citizen@demo.onegate")
        page.goto(reverse("wallet"))
        numbers = page.locator(".wallet .license-number")
        assert numbers.count() >= 1
        for index in range(numbers.count()):
            height, line = numbers.nth(index).evaluate(
                "el => [el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).lineHeight)]"
            )
            assert height < 2 * line, f"license number {index} wraps at 1280 px: {height}px for a {line}px line"
        card_width = page.locator(".wallet .card").first.evaluate("el => el.getBoundingClientRect().width")
        assert card_width >= 320
        assert not page.locator(".site-menu__toggle").is_visible()
        assert page.get_by_role("link", name="首页" if language == "zh-hans" else "Home").is_visible()
        _axe_clean(page)
        _shot(page, f"wallet-desktop-{language}")
        context.close()
        for email, url, name in pages[1:]:
            context, page = _open(browser, live_server, size=DESKTOP, language=language, email=email)
            page.goto(url)
            assert page.evaluate("() => document.documentElement.scrollWidth - innerWidth") <= 0
            assert page.locator("main .stack-table thead").first.is_visible()
            assert not page.locator("main .stack-label").first.is_visible()
            _shot(page, f"{name}-desktop-{language}")
            context.close()

        # A phone: nothing scrolls sideways, the tables are cards, badges stay whole, the menu folds.
        for email, url, name in pages:
            context, page = _open(browser, live_server, size=PHONE, language=language, email=email)
            page.goto(url)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 375 px ({language})"
            for badge in page.locator("main .badge").all():
                height, line = badge.evaluate("el => [el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).lineHeight)]")
                assert height < 2 * line, f"a badge splits on {url}: {badge.inner_text()!r}"
            if page.locator("main .stack-table").count():
                assert page.locator("main .stack-table tbody tr").first.evaluate("el => getComputedStyle(el).display") == "block"
                assert page.locator("main .stack-table .stack-label").first.is_visible()
            toggle = page.locator(".site-menu__toggle")
            assert toggle.is_visible()
            assert not page.locator(".site-menu__list").is_visible()
            _axe_clean(page)
            _shot(page, f"{name}-phone-{language}")
            toggle.click()
            assert page.locator(".site-menu__list").is_visible()
            if name == "desk":
                _shot(page, f"menu-open-phone-{language}")
            context.close()
