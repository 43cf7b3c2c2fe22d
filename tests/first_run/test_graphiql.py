"""GraphiQL is served by the service itself (no CDN), with the README's login preloaded; checked
in-process and in Debian's headless chromium against the running server."""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import urlsplit

import httpx
import pytest

from app import create_app
from tests.conftest import production_settings

HTML = {"Accept": "text/html"}


def references(page: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page)


async def test_the_page_loads_every_file_from_the_service_itself(api):
    page = await api.client.get("/graphql", headers=HTML)

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    refs = references(page.text)
    assert len(refs) >= 8
    for ref in refs:
        assert not urlsplit(ref).scheme or ref.startswith("data:"), ref
        assert not ref.startswith("//"), ref
    assert "unpkg" not in page.text and "cdn" not in page.text.lower()
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for ref in refs:
        if not ref.startswith("data:"):
            asset = await api.client.get("/" + ref)  # relative to /graphql, i.e. under the root
            assert asset.status_code == 200 and len(asset.content) > 100, ref


async def test_production_serves_neither_the_page_nor_its_files(db):
    settings = production_settings()
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        page = await client.get("/graphql", headers=HTML)
        asset = await client.get("/graphiql-assets/vendor/graphiql.min.js")
    assert "GraphiQL" not in page.text
    assert asset.status_code == 404


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        assert shutil.which(path), f"{path} is missing: apt-get install -y chromium chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


@pytest.fixture(scope="module")
def chromium():
    driver = browser()
    yield driver
    driver.quit()


def test_graphiql_runs_the_preloaded_login_in_a_real_browser(live_server, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    chromium.get(f"{live_server.url}/graphql")
    wait = WebDriverWait(chromium, 30)
    run = wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button")))
    assert "buyer@peeters-bouw.be" in chromium.find_element(By.CSS_SELECTOR, ".graphiql-query-editor").text
    headers = chromium.execute_script(
        "return [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')].map(e => e.CodeMirror.getValue())"
    )
    assert '{"Authorization": "Bearer <token>"}' in headers

    run.click()

    wait.until(lambda d: '"token"' in d.find_element(By.CSS_SELECTOR, ".result-window").text)
    result = chromium.execute_script(
        "return document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"
    )
    session = json.loads(result)["data"]["login"]["session"]
    assert re.fullmatch(r"[\w-]{20,}", session["token"])
    # Nothing was fetched from another host (the page works without internet).
    loaded = chromium.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(live_server.url + "/") for url in loaded), loaded
    errors = [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
