"""The seller's journey in a real browser, from sign-in to a viewer's answered question.

Debian's Chromium, driven by Playwright, against `serve_embedded` (uvicorn, Channels, the
in-process live host and a real Celery worker): sign in, import a Shopify CSV and watch the
import finish, open a product, generate its content pack and watch the job, play its video,
approve its copy, open a live room, go live, and ask "how much is it?" from the public
viewer page. Any console error or uncaught page error fails the test. Screenshots of every
step land in var/test-artifacts/browser/.
"""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, SELLER, Browser, Server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CATALOG_CSV = Path(__file__).with_name("shopify_products.csv")
PRICE = re.compile(r"\$24\b")  # the mug's price in the CSV, as the host says it


def shopify_export_with_photos(folder: Path) -> Path:
    """The seller's Shopify CSV zipped with the photo its `Image Src` names.

    Image URLs would be fetched from the internet, which this machine cannot reach (and the
    fetcher refuses loopback), so the photo travels in the upload; the demo's mug photo.
    """
    with zipfile.ZipFile(ROOT / "demo" / "demo_catalog.zip") as demo:
        photo = demo.read("images/mug-stone-350.png")
    upload = folder / "products_export.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr("products_export.csv", CATALOG_CSV.read_bytes())
        archive.writestr("images/stoneware-mug.png", photo)
    return upload


def watch_progress(page: Any, selector: str, timeout_s: float) -> list[tuple[float, float]]:
    """Read the page's progress bars as htmx refreshes them, until every bar is full.

    Returns the (done, total) sums seen, in order, so a test can tell the bars only moved
    forward and ended full.
    """
    read = """(selector) => {
        const bars = Array.from(document.querySelectorAll(selector));
        if (!bars.length) return null;
        return [bars.reduce((s, b) => s + b.value, 0), bars.reduce((s, b) => s + b.max, 0)];
    }"""
    seen: list[tuple[float, float]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        sample = page.evaluate(read, selector)
        if sample is not None:
            done, total = float(sample[0]), float(sample[1])
            if not seen or seen[-1] != (done, total):
                seen.append((done, total))
            if total > 0 and done >= total:
                return seen
        page.wait_for_timeout(250)
    raise AssertionError(f"{selector} never filled within {timeout_s} s; seen {seen}")


def test_a_seller_imports_generates_reviews_and_goes_live(
    embedded_server: Server, browser: Browser, tmp_path: Path
):
    base = embedded_server.url
    page = browser.context.new_page()

    # Sign in to the seller portal.
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(SELLER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator(".store-name")).to_have_text("Demo Store")
    browser.screenshot(page, "dashboard")

    # Import a Shopify export; the import page follows the job until its bar is full.
    upload = shopify_export_with_photos(tmp_path)
    page.get_by_role("link", name="Catalog", exact=True).click()
    page.get_by_role("link", name="Import products").click()
    page.locator("#import-file").set_input_files(upload)
    expect(page.locator("#dropzone")).to_contain_text(upload.name)
    browser.screenshot(page, "import-chosen")
    page.get_by_role("button", name="Start import").click()
    expect(page).to_have_url(re.compile(r"/catalog/imports/\d+/$"))
    import_bar = watch_progress(page, "#import-status progress", timeout_s=30)
    assert import_bar[-1] == (4, 4)
    status = page.locator("#import-status")
    expect(status.locator("strong").first).to_have_text("Done")
    expect(status).to_contain_text("format shopify_csv")
    expect(status.locator(".stat").filter(has_text="new").locator(".num")).to_have_text("2")
    expect(status.locator(".stat").filter(has_text="rejected").locator(".num")).to_have_text("0")
    browser.screenshot(page, "import-done")

    # Open the product: its facts come from the CSV, variants included.
    page.get_by_role("link", name="Catalog", exact=True).click()
    page.get_by_role("link", name="Stoneware Mug").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stoneware Mug")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("24.00 USD (was 30.00)")
    expect(page.locator("table").filter(has_text="Options")).to_contain_text("MUG-SLATE")
    browser.screenshot(page, "product")

    # Generate its content pack and watch the job's stages fill its bar.
    page.get_by_role("link", name="← Catalog").click()
    page.get_by_label("Select Stoneware Mug").check()
    page.get_by_role("button", name="Generate").click()
    expect(page).to_have_url(re.compile(r"/content/jobs/\d+/$"))
    browser.screenshot(page, "job-started")
    job_bar = watch_progress(page, "#job-status progress", timeout_s=75)
    done = [d for d, _ in job_bar]
    assert done[0] < job_bar[-1][1], "the page never showed the job unfinished"
    assert done == sorted(done), f"the job's progress went backwards: {job_bar}"
    job = page.locator("#job-status")
    expect(job.locator("strong").first).to_have_text("Done")  # not "Done with failures"
    expect(job.locator(".pill.failed")).to_have_count(0)
    browser.screenshot(page, "job-done")

    # The pack: copy, images that load, and a video that plays.
    job.get_by_role("link", name="Stoneware Mug").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content for Stoneware Mug")
    expect(page.get_by_role("heading", name="Copy · en")).to_contain_text("Draft")
    images = page.locator(".gallery img")
    expect(images).to_have_count(4)
    for image in images.all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")
    video = page.locator("video")
    video.scroll_into_view_if_needed()
    page.wait_for_function(
        "v => v.readyState >= 1 && v.duration > 0", arg=video.element_handle(), timeout=15_000
    )
    duration = video.evaluate("v => v.duration")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "v => v.readyState >= 2 && v.currentTime > 0.5", arg=video.element_handle(), timeout=15_000
    )
    assert duration > 5, f"the video is {duration} s long"
    browser.screenshot(page, "video-playing")

    # Review: approve the copy from the queue.
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    rows = page.locator("tr[data-review-row]")
    expect(rows).to_have_count(7)  # copy, four images, voice, video
    browser.screenshot(page, "review-queue")
    rows.filter(has=page.get_by_role("cell", name="Copy", exact=True)).get_by_role(
        "link", name="Stoneware Mug"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Copy · en · v1")
    browser.screenshot(page, "review-copy")
    page.locator("#review-approve").get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("Approved copy for Stoneware Mug.")
    page.goto(f"{base}/content/review/")
    expect(page.locator("tr[data-review-row]")).to_have_count(6)
    browser.screenshot(page, "copy-approved")

    # Open a live room on the mug and go live from the studio.
    page.get_by_role("link", name="Live", exact=True).click()
    page.get_by_label("Title").fill("Kitchen live")
    address = page.get_by_label("Address (/live/…)")
    address.fill("Kitchen Live")  # the browser itself refuses what the URL cannot hold
    assert address.evaluate("input => input.validity.patternMismatch")
    address.fill("kitchen-live")
    assert address.evaluate("input => input.validity.valid")
    rundown = page.locator("select[name=products]")
    mug = rundown.locator("option", has_text="Stoneware Mug").get_attribute("value")
    rundown.select_option(mug)
    page.get_by_role("button", name="Create room").click()
    expect(page).to_have_url(re.compile(r"/studio/live/\d+/$"))
    expect(page.locator("#status")).to_have_text("Off air")
    page.get_by_role("button", name="Go live").click()
    expect(page.locator("#status")).to_have_text("Live")
    transcript = page.locator("#transcript li")
    expect(transcript.first).to_be_visible(timeout=45_000)  # the host has started talking
    browser.screenshot(page, "studio-live")

    # A viewer opens the public page and asks the price; the host answers in the chat.
    with browser.context.expect_page() as opened:
        page.get_by_role("link", name="Open the viewer page").click()
    viewer = opened.value
    expect(viewer).to_have_url(f"{base}/live/kitchen-live/")
    expect(viewer.locator("#ai-banner")).not_to_be_empty()
    expect(viewer.locator("#product-title")).to_have_text("Stoneware Mug", timeout=30_000)
    expect(viewer.locator("#chat li.host").first).to_be_visible(timeout=30_000)
    browser.screenshot(viewer, "viewer")
    viewer.get_by_label("Comment or question").fill("How much is it?")
    viewer.get_by_role("button", name="Send").click()
    expect(viewer.locator("#chat li.me")).to_have_text("How much is it?")
    answer = viewer.locator("#chat li.answer")
    expect(answer.first).to_contain_text(PRICE, timeout=30_000)
    browser.screenshot(viewer, "viewer-answered")

    # The studio's transcript shows what the host said back.
    expect(page.locator("#transcript li.answer").first).to_contain_text(PRICE)
    browser.screenshot(page, "studio-answered")
    assert not browser.problems
