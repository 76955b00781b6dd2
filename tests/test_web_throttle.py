"""Sign-in throttling: the counting rules on a fake clock, and the 429 the login form answers with."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from webfixtures import USERS, csrf_of

from dailybrief.web.throttle import LoginThrottle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_wrong_passwords_lock_the_name_for_the_rest_of_the_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(4):
        throttle.failed("Bob", "10.0.0.1")
        clock.now += 10
    assert throttle.locked_for("bob", "10.0.0.1") == 0
    throttle.failed("bob", "10.0.0.2")  # the fifth, from another address: the name is what is guessed
    assert throttle.locked_for("BOB", "10.0.0.3") == 900 - 40
    assert throttle.locked_for("alice", "10.0.0.1") == 0  # other names are not affected
    clock.now += 900 - 40
    assert throttle.locked_for("bob", "10.0.0.1") == 0  # the first failure has left the window
    throttle.failed("bob", "10.0.0.1")  # one more wrong guess makes five within the window again
    assert throttle.locked_for("bob", "10.0.0.1") == 10  # until the second failure leaves it
    clock.now += 10
    assert throttle.locked_for("bob", "10.0.0.1") == 0


def test_a_successful_sign_in_clears_the_names_count() -> None:
    throttle = LoginThrottle(clock=Clock())
    for _ in range(4):
        throttle.failed("bob", "10.0.0.1")
    throttle.succeeded("bob")
    throttle.failed("bob", "10.0.0.1")
    assert throttle.locked_for("bob", "10.0.0.1") == 0


def test_guessing_across_many_names_locks_the_address() -> None:
    throttle = LoginThrottle(clock=Clock())
    for i in range(20):
        throttle.failed(f"user{i}", "10.0.0.9")
    assert throttle.locked_for("somebody-new", "10.0.0.9") > 0
    assert throttle.locked_for("somebody-new", "10.0.0.10") == 0


def test_stale_names_are_forgotten_when_many_are_sprayed() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock, max_keys=50)
    for i in range(40):
        throttle.failed(f"old{i}", f"10.1.0.{i}")
    clock.now += 901
    throttle.failed("new", "10.2.0.1")
    assert len(throttle._failures) == 2  # only the fresh name and address are left


def test_the_login_form_answers_429_with_retry_after_and_then_lets_the_right_password_in(app: Any) -> None:
    throttle: LoginThrottle = app.server.config.app.state.login_throttle
    clock = Clock()
    throttle.clock = clock
    with httpx.Client(base_url=app.url, follow_redirects=False, timeout=60) as c:
        token = csrf_of(c.get("/login").text)

        def attempt(password: str) -> httpx.Response:
            return c.post("/login", data={"name": "bob", "password": password, "csrf": token, "next": "/"})

        assert [attempt("wrong-password").status_code for _ in range(5)] == [401] * 5
        locked = attempt(USERS["bob"])
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) == 900
        assert "密码错误次数过多" in locked.text and "15 分钟" in locked.text
        assert '<span class="user">' not in c.get("/").text  # the right password did not sign in
        clock.now += 901
        assert attempt(USERS["bob"]).status_code == 303
        assert '<span class="user">bob</span>' in c.get("/").text
