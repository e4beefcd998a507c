"""The dashboard and the HTML report in a real browser (Debian's chromium, driven by selenium):
tasks appear, the page's own clock button moves them, each lane shows the journal's requests,
a tight-loop poller's finding is shown and linked, the video plays from the page, nothing is
fetched from another origin and nothing is logged as an error. Screenshots go to docs/."""
import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import openai
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from videomock import Server

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ["VIDEOMOCK_BINARY"]


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1150", "--mute-audio"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def eventually(check, seconds=10):
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = check()
            if result:
                return result
        except Exception:  # the page is still rendering
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {check.__doc__ or check}")
        time.sleep(0.1)


def click(driver, selector):
    """Clicks what `selector` finds, again if the page redrew it meanwhile (it does every second)."""
    def clicked():
        driver.find_element(By.CSS_SELECTOR, selector).click()
        return True
    eventually(clicked)


def statuses(driver):
    return [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#tasks tbody tr td:nth-child(5)")]


def requested_origins(driver):
    """Every URL the page asked the network for, from Chrome's performance log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_the_dashboard_shows_tasks_moves_their_clock_and_judges_the_client(browser):
    with Server(clock="manual") as server:
        sdk = openai.OpenAI(base_url=server.base_url("aihubmix"), api_key="sk-ui")
        made = [sdk.videos.create(model="sora-2", prompt=f"A lighthouse at dusk, take {n}", seconds="4") for n in (1, 2)]
        browser.get(server.url + "/__admin/ui")
        eventually(lambda: statuses(browser) == ["queued", "queued"])

        # The page's own clock button: +10 s on sk-ui's clock completes both.
        click(browser, 'button[data-advance="10"][data-key="sk-ui"]')
        eventually(lambda: statuses(browser) == ["completed", "completed"])
        for video in made:
            sdk.videos.retrieve(video.id)

        # A client polling in a tight loop gets poll_too_fast, shown in the verdict and on its lane.
        rude = openai.OpenAI(base_url=server.base_url("aihubmix"), api_key="sk-rude")
        hasty = rude.videos.create(model="sora-2", prompt="A hasty fox")
        for _ in range(4):
            rude.videos.retrieve(hasty.id)
        eventually(lambda: "was read again" in browser.find_element(By.ID, "finding-poll_too_fast").text)
        linked = eventually(lambda: browser.find_elements(By.CSS_SELECTOR, "#finding-poll_too_fast a.evidence")[0].get_attribute("href"))
        assert eventually(lambda: browser.find_element(By.ID, linked.split("#")[1]))
        assert browser.find_elements(By.CSS_SELECTOR, f'svg[data-task="{hasty.id}"] a[href="#finding-poll_too_fast"]')

        # Each lane's request marks are the journal's requests of that task, and its states are drawn.
        admin = server.admin()
        time.sleep(1.2)  # one refresh of the page after the last request
        for video in made + [hasty]:
            journal = admin.requests()
            expected = [entry["id"] for entry in journal if entry["task"] == video.id]
            marks = browser.find_elements(By.CSS_SELECTOR, f'svg[data-task="{video.id}"] line.mark')
            assert sorted(int(mark.get_attribute("data-journal")) for mark in marks) == sorted(expected)
            assert browser.find_elements(By.CSS_SELECTOR, f'svg[data-task="{video.id}"] rect.state')

        # A completed task's video plays from the page, with no key.
        click(browser, f'#tasks tr[data-id="{made[0].id}"]')
        eventually(lambda: browser.execute_script("const v = document.getElementById('video'); return v && v.readyState >= 1"))
        assert eventually(lambda: browser.execute_script("return document.getElementById('thumbnail').naturalWidth")) > 0
        browser.save_screenshot(str(ROOT / "docs" / "dashboard.png"))

        assert all(url.startswith(server.url) or url.startswith("data:") for url in requested_origins(browser))
        assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []


def test_with_an_admin_token_the_page_asks_for_it_and_then_works(browser):
    with Server(admin_token="s3cret", time_scale=0) as server:
        request = urllib.request.Request(server.base_url() + "/videos", data=b'{"model":"sora-2","prompt":"p"}',
                                         headers={"Authorization": "Bearer k", "Content-Type": "application/json"})
        video = json.loads(urllib.request.urlopen(request).read())["id"]
        browser.get(server.url + "/__admin/ui")
        eventually(lambda: browser.find_element(By.ID, "login").is_displayed())
        browser.find_element(By.ID, "token").send_keys("wrong\n")
        time.sleep(0.5)
        assert browser.find_element(By.ID, "login").is_displayed()
        token = browser.find_element(By.ID, "token")
        token.clear()
        token.send_keys("s3cret\n")
        eventually(lambda: statuses(browser) == ["completed"])
        click(browser, f'#tasks tr[data-id="{video}"]')
        eventually(lambda: browser.execute_script("const v = document.getElementById('video'); return v && v.readyState >= 1"))
        # The cookie opens the admin API to the page only: without it, still closed.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "/__admin/tasks")
        assert refused.value.code == 401


def test_the_html_report_opens_offline_and_shows_the_findings(browser, tmp_path):
    with Server(time_scale=0.2) as server:
        rude = openai.OpenAI(base_url=server.base_url("aihubmix"), api_key="sk-rude")
        hasty = rude.videos.create(model="sora-2", prompt="A hasty fox")
        for _ in range(4):
            rude.videos.retrieve(hasty.id)
        report = tmp_path / "verdict.html"
        subprocess.run([BINARY, "verdict", "--url", server.url, "--format", "html", "--output", str(report)], check=False)
        verdict = server.admin().verdict()
    browser.get(report.as_uri())
    shown = browser.find_element(By.TAG_NAME, "body").text
    for finding in verdict["findings"]:
        assert finding["code"] in shown and finding["message"] in shown
    assert browser.find_elements(By.CSS_SELECTOR, "svg line")
    browser.save_screenshot(str(ROOT / "docs" / "report.png"))
    assert all(url.startswith("file:") or url.startswith("data:") for url in requested_origins(browser))
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []
