import os
import pytest
from tests.browser.test_accessibility import PHONE, scan_every_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_subset(world, browser, live_server, settings):
    settings.SITE_URL = live_server.url
    only = set(os.environ["A11Y_ONLY"].split(","))
    v, w, u, n = scan_every_page(browser, live_server, world, PHONE, only)
    for k, x in {**v, **w, **u}.items():
        print("PROBLEM", k, x)
    print("SCANNED", n)
