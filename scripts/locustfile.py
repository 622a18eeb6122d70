"""The load test's users (`make load` runs it through scripts/load.py; see docs/load.md).

    LOAD_PLAN=plan.json LOAD_OUT=out.json locust -f scripts/locustfile.py --headless \
        -H http://127.0.0.1:8001 -u 20 -r 10 -t 75s

Four kinds of people, in fixed numbers per 20 users (LOAD_MIX changes them):

- the public (6): a branch's notice board, its published tallies, now and then a month
  of them, the kiosk, and a stylesheet;
- residents (4): open a village's help form, take the time a person takes to fill it in
  (the form refuses anything faster than 4 s), send it, open the status page it leads
  to and keep the request code it shows;
- members (6): log in once, then open their points card (by /my/card/), their posts
  and the home page;
- secretaries (4): log in once, then record activities with attendance (a few members
  ticked, dates over the last two months, so some count in a month already published
  and move to the next), confirm pending choices (two secretaries per branch, so they
  race for the last seats), and publish their branch's last month once.

Users are locust's FastHttpUser (geventhttpclient): the load generator runs on the same
cores as the server, and it costs about a third of the CPU per request of the plain
HttpUser (docs/load.md). Every request is named by its kind; the listener below counts statuses per kind, keeps
the time of each failure, and on quitting writes them with the help request codes to
LOAD_OUT for scripts/load.py to report and to check against the database.
"""

import datetime as dt
import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path

from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
OUT = os.environ.get("LOAD_OUT", "load-out.json")
MIX = dict(
    zip(
        ("public", "resident", "member", "secretary"),
        (int(n) for n in os.environ.get("LOAD_MIX", "6,4,6,4").split(",")),
        strict=True,
    )
)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ISSUED = re.compile(r'name="issued" value="([^"]+)"')
MEMBER_BOX = re.compile(r'name="members" value="(\d+)"')
CONFIRM = re.compile(r'action="(/posts/choices/\d+/confirm/)"')
GRID = re.compile(r'<option value="(\d+)"')
STYLESHEET = re.compile(r'href="(/static/[^"]+\.css)"')
CODE = re.compile(r"/helpdesk/track/([^/]+)/")
CATEGORIES = ["cleaning", "agriculture", "medical", "legal", "daily_life", "mediation", "other"]

_lock = threading.Lock()
_secretaries = itertools.count()
_members = itertools.count()
RESULTS: dict = {
    "statuses": {},
    "times": {},
    "failures": [],
    "codes": [],
    "asked": 0,
    "refused_asks": 0,
}


@events.request.add_listener
def _count(name, response, exception, response_time=0.0, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    if exception is not None and not status:
        status = 0
    with _lock:
        per_kind = RESULTS["statuses"].setdefault(name, {})
        per_kind[str(status)] = per_kind.get(str(status), 0) + 1
        RESULTS["times"].setdefault(name, []).append(round(response_time, 1))
        if status == 0 or status >= 500:
            RESULTS["failures"].append([time.time(), name, status])


@events.test_start.add_listener
def _started(environment, **kwargs):
    RESULTS["started"] = time.time()


@events.test_stop.add_listener
def _stopped(environment, **kwargs):
    RESULTS["stopped"] = time.time()


@events.quitting.add_listener
def _write(environment, **kwargs):
    RESULTS.setdefault("stopped", time.time())
    with open(OUT, "w", encoding="utf-8") as handle:
        json.dump(RESULTS, handle)


def _token(response) -> str:
    match = CSRF.search(response.text or "")
    return match.group(1) if match else ""


class _LoggedIn(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def log_in(self, username: str) -> None:
        page = self.client.get("/accounts/login/", name="login form")
        self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": _token(page),
                "username": username,
                "password": PLAN["password"],
            },
            name="login",
        )


class Public(FastHttpUser):
    """Anyone with the notice board's address or its QR code: no log-in."""

    fixed_count = MIX["public"]
    wait_time = between(0.5, 2.0)

    def _branch(self) -> int:
        return random.choice(PLAN["public_branches"])

    @task(5)
    def board(self) -> None:
        response = self.client.get(f"/posts/board/{self._branch()}/", name="public board")
        if random.random() < 0.1:
            match = STYLESHEET.search(response.text or "")
            if match:
                self.client.get(match.group(1), name="static file")

    @task(4)
    def tallies(self) -> None:
        branch = self._branch()
        self.client.get(f"/scoring/public/branches/{branch}/tallies/", name="public tally")

    @task(2)
    def tally_month(self) -> None:
        month = dt.date.today().replace(day=1) - dt.timedelta(days=random.randint(40, 300))
        self.client.get(
            f"/scoring/public/branches/{self._branch()}/tallies/?month={month:%Y-%m}",
            name="public tally, a month",
        )

    @task(1)
    def kiosk(self) -> None:
        self.client.get(f"/posts/board/{self._branch()}/kiosk/", name="public kiosk")


class Resident(FastHttpUser):
    """Asks for help on the public form, at a person's pace."""

    fixed_count = MIX["resident"]
    wait_time = between(1.0, 3.0)

    @task
    def ask(self) -> None:
        branch = random.choice(PLAN["load_branches"] + PLAN["public_branches"][:20])
        form = self.client.get(f"/helpdesk/ask/{branch}/", name="help form")
        issued = ISSUED.search(form.text or "")
        if form.status_code != 200 or issued is None:
            return
        grids = GRID.findall(form.text)
        # The form refuses a submission sooner than 4 s after it was shown.
        time.sleep(random.uniform(4.5, 7.0))
        # Not following the redirect here: the status page it leads to is asked for
        # next, as the browser does, under its own name.
        with self.client.post(
            f"/helpdesk/ask/{branch}/",
            data={
                "csrfmiddlewaretoken": _token(form),
                "issued": issued.group(1),
                "website": "",
                "resident_name": random.choice(["王阿姨", "李师傅", "张大伯", "陈女士"]),
                "phone": f"138{random.randint(0, 99999999):08d}",
                "address": f"{random.randint(1, 9)}组{random.randint(1, 80)}号",
                "grid": random.choice(grids) if grids and random.random() < 0.7 else "",
                "category": random.choice(CATEGORIES),
                "description": "家里水管漏水,老人独居,请帮忙看看。",
            },
            name="help form, send",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            with _lock:
                RESULTS["asked"] += 1
            location = (response.headers or {}).get("Location", "") or ""
            code = CODE.search(location)
            if response.status_code == 302 and code and "new=1" in location:
                response.success()
            elif response.status_code == 429:
                with _lock:
                    RESULTS["refused_asks"] += 1
                response.failure("refused by the flood limit")
            elif response.status_code < 500:
                response.failure(f"not accepted ({response.status_code})")
        if response.status_code == 302 and code and "new=1" in location:
            status = self.client.get(location, name="help request status")
            if status.status_code == 200:
                with _lock:
                    RESULTS["codes"].append(code.group(1))


class MemberUser(_LoggedIn):
    """A member on a phone: their points card above all."""

    fixed_count = MIX["member"]

    def on_start(self) -> None:
        login = PLAN["members"][next(_members) % len(PLAN["members"])]
        self.log_in(login["username"])

    @task(5)
    def card(self) -> None:
        self.client.get("/scoring/my/card/", name="points card")

    @task(2)
    def my_posts(self) -> None:
        self.client.get("/posts/my/", name="my posts")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home (member)")


class Secretary(_LoggedIn):
    """A branch secretary: records activities, decides choices, publishes the month."""

    fixed_count = MIX["secretary"]

    def on_start(self) -> None:
        login = PLAN["secretaries"][next(_secretaries) % len(PLAN["secretaries"])]
        self.branch = login["branch"]
        self.published = False
        self.log_in(login["username"])

    @task(4)
    def record_activity(self) -> None:
        url = f"/scoring/branches/{self.branch}/activities/add/"
        form = self.client.get(url, name="activity form")
        members = MEMBER_BOX.findall(form.text or "")
        if form.status_code != 200 or not members:
            return
        ticked = random.sample(members, min(len(members), random.randint(3, 12)))
        held_on = dt.date.today() - dt.timedelta(days=random.randint(0, 60))
        self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": _token(form),
                "kind": "collective",
                "title": random.choice(["夜间巡逻", "清除牛皮藓", "走访困难户", "垃圾分类宣传"]),
                "held_on": held_on.isoformat(),
                "place": "村委会",
                "trainer": "",
                "people_served": "",
                "description": "",
                "members": ticked,
            },
            name="activity form, send",
        )

    @task(3)
    def confirm_choice(self) -> None:
        page = self.client.get(f"/posts/branches/{self.branch}/choices/", name="choice list")
        actions = CONFIRM.findall(page.text or "")
        if actions:
            # Not always the first: the two secretaries of a branch then pick different
            # choices of the same post as often as the same choice.
            self.client.post(
                random.choice(actions[:3]),
                data={"csrfmiddlewaretoken": _token(page)},
                name="choice confirm",
            )

    @task(1)
    def activities(self) -> None:
        self.client.get(f"/scoring/branches/{self.branch}/activities/", name="activity list")

    @task(1)
    def publish(self) -> None:
        if self.published:
            return
        self.published = True
        last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        page = self.client.get(
            f"/scoring/branches/{self.branch}/tallies/{last.year}/{last.month}/", name="tally"
        )
        self.client.post(
            f"/scoring/branches/{self.branch}/tallies/{last.year}/{last.month}/publish/",
            data={"csrfmiddlewaretoken": _token(page)},
            name="tally publish",
        )
