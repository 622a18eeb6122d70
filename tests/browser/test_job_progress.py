"""The job page in a browser: progress.js polls status.json, moves the bar, and shows the
download once the job is done, with no Content-Security-Policy complaint."""

from django.urls import reverse
from playwright.sync_api import Browser, expect

from jobs import services
from tests.jobs.conftest import running_job


def test_the_job_page_follows_the_work_and_offers_the_file(
    live_server, browser: Browser, client, secretary
):
    job = running_job(secretary)  # 4 of 10 steps
    client.force_login(secretary)
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    try:
        page.goto(live_server.url + reverse("jobs:detail", args=[job.pk]))
        expect(page.locator("#job-count")).to_have_text("40 %")
        services.report_progress(job, done=7)
        expect(page.locator("#job-count")).to_have_text("70 %")
        expect(page.locator("#job-bar")).to_have_attribute("style", "width: 70%;")
        services.finish_job(job, services.Output(b"done", "done.txt", "text/plain"))
        expect(page.locator("#job-download")).to_be_visible()
        expect(page.locator("#job-bar")).to_have_class("progress-bar bg-success w-100")
        # (The favicon's 404 is a console error too: only CSP refusals count here.)
        assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    finally:
        context.close()
