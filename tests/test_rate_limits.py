"""Rate limits protect staff sign-in and the API; their store never sees a client's address."""
from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from survey.extensions import hashed_client_key

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def redis_answers() -> bool:
    try:
        import redis
        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:
        return False


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute",
                                  "RATELIMIT_STORAGE_URI": "memory://"}], indirect=True)
def test_too_many_sign_in_attempts_are_refused(client, app):
    client.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    replies = [client.post("/staff/login", data={"username": "x", "password": "y"}).status_code for _ in range(4)]
    assert replies == [200, 200, 200, 429]
    assert client.post("/staff/login", data={"username": "x", "password": "y"}).headers["Retry-After"] == "60"
    assert "wait a minute" in client.post("/staff/login", data={"username": "x", "password": "y"}, headers={"Accept-Language": "en"}).text


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "SUBMISSION_RATE_LIMIT": "2 per minute",
                                  "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": f"test{os.getpid()}"}], indirect=True)
def test_submissions_share_their_limit_through_redis_without_addresses(client, app, make_collection, submit):
    import redis
    make_collection()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.2"
    replies = [submit() for _ in range(3)]
    assert [reply.status_code for reply in replies] == [201, 201, 429]
    assert replies[-1].headers["Retry-After"] == "60"   # a queue knows when to send again
    keys = [k.decode() for k in redis.Redis.from_url(REDIS).keys(f"*test{os.getpid()}*")]
    assert keys and not any("198.51.100.2" in k for k in keys)
    redis.Redis.from_url(REDIS).delete(*keys)


def test_client_key_is_a_keyed_hash(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.3"}):
        key = hashed_client_key()
    assert "198.51.100.3" not in key and len(key) == 32
    # HMAC-SHA256 under the secret key: the counters in a shared store keep their names across versions
    expected = hmac.new(app.config["SECRET_KEY"].encode(), b"198.51.100.3", hashlib.sha256).hexdigest()[:32]
    assert key == expected


RESPONDENT_LIMITS = {"RATELIMIT_ENABLED": True, "RESPONDENT_RATE_LIMIT": "3 per minute",
                     "RATELIMIT_STORAGE_URI": "memory://"}


def answer_consent(client, slug="summer"):
    client.get(f"/s/{slug}?lang=sv")
    return client.post(f"/s/{slug}/consent", data={"answer": "yes"})


@pytest.mark.parametrize("app", [RESPONDENT_LIMITS], indirect=True)
def test_a_stranger_posting_answer_pages_too_fast_gets_a_translated_wait_page(client, app, make_collection):
    make_collection()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.4"
    codes = [answer_consent(client).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    # the journey chose Swedish: the wait page is Swedish too
    assert 'lang="sv"' in answer_consent(client).text


@pytest.mark.parametrize("app", [RESPONDENT_LIMITS], indirect=True)
def test_kiosk_tablets_behind_one_router_are_counted_each_on_its_own(app, make_collection):
    make_collection()
    tablets = []
    for number in range(5):
        tablet = app.test_client()
        tablet.environ_base["REMOTE_ADDR"] = "198.51.100.5"     # one event router for all
        with tablet.session_transaction() as session:
            session["kiosk"] = f"tablet-{number}"
        tablets.append(tablet)
    codes = [answer_consent(tablet).status_code for tablet in tablets for _ in range(3)]
    assert set(codes) == {302}


def test_the_respondent_key_never_holds_the_address_or_the_kiosk_value(app):
    from flask import session
    from survey.ratelimits import respondent_key
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.6"}):
        stranger = respondent_key()
        session["kiosk"] = "tablet-7"
        kiosk = respondent_key()
    assert "198.51.100.6" not in stranger and "tablet-7" not in kiosk and stranger != kiosk


ACCOUNT_LIMITS = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "100 per minute",
                  "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute", "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.mark.parametrize("app", [ACCOUNT_LIMITS], indirect=True)
def test_failed_sign_ins_slow_that_account_but_not_others(client, app, staff):
    staff.create("anna", "coordinator", "a-long-enough-passphrase")
    staff.create("bo", "coordinator", "a-long-enough-passphrase")
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    wrong = [client.post("/staff/login", data={"username": "anna", "password": "guess"}).status_code for _ in range(4)]
    assert wrong == [200, 200, 200, 429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert other.post("/staff/login", data={"username": "bo", "password": "a-long-enough-passphrase"}).status_code == 302


@pytest.mark.parametrize("app", [ACCOUNT_LIMITS], indirect=True)
def test_successful_sign_ins_do_not_count_against_the_account(app, staff):
    staff.create("anna", "coordinator", "a-long-enough-passphrase")
    for _ in range(5):
        browser = app.test_client()
        assert browser.post("/staff/login", data={"username": "anna", "password": "a-long-enough-passphrase"}).status_code == 302


@pytest.mark.parametrize("app", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(app):
    seen = {}
    app.add_url_rule("/_probe", "probe", lambda: seen.setdefault("addr", __import__("flask").request.remote_addr) or "")
    app.view_functions["probe"].permission = __import__("survey.auth.permissions", fromlist=["Permission"]).Permission.PUBLIC
    app.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.20"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert seen["addr"] == "203.0.113.20"


def test_without_trusted_proxies_a_forwarded_header_is_ignored(app):
    with app.test_request_context(headers={"X-Forwarded-For": "203.0.113.21"}, environ_base={"REMOTE_ADDR": "198.51.100.9"}):
        from flask import request
        assert request.remote_addr == "198.51.100.9"


def test_a_rate_limit_that_cannot_be_read_stops_the_start_with_its_name():
    from survey import create_app
    with pytest.raises(RuntimeError, match="SUBMISSION_RATE_LIMIT='lots'"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "SUBMISSION_RATE_LIMIT": "lots"})


LEASED = {"RATELIMIT_ENABLED": True, "SUBMISSION_RATE_LIMIT": "100 per minute", "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.mark.parametrize("app", [LEASED], indirect=True)
def test_a_leased_limit_lets_exactly_its_number_through(client, app, make_collection, submit):
    from survey.extensions import limiter
    from survey.ratelimits import lease_size
    from limits import parse
    make_collection()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    item = parse("100 per minute")
    assert lease_size(item) == 2                       # counted in the store two at a time

    def remaining() -> int:
        with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.9"}):
            return limiter.limiter.get_window_stats(item, hashed_client_key(), "submission").remaining

    assert [submit().status_code for _ in range(11)] == [201] * 11
    assert remaining() == 100 - 12                     # six leases: the store counts ahead, never behind
    assert [submit().status_code for _ in range(90)] == [201] * 89 + [429]
    assert remaining() == 0


@pytest.mark.parametrize("app", [LEASED], indirect=True)
def test_a_client_sending_slowly_spends_its_lease_over_the_whole_window(client, app, make_collection, submit,
                                                                        monkeypatch):
    import time
    from limits import parse
    from survey import ratelimits
    from survey.extensions import limiter
    make_collection()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.10"
    item, started = parse("100 per minute"), time.time()

    def counted() -> int:
        with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.10"}):
            return 100 - limiter.limiter.get_window_stats(item, hashed_client_key(), "submission").remaining

    for second, expected in ((0, 2), (20, 2), (40, 4)):     # one submission every twenty seconds
        monkeypatch.setattr(ratelimits.time, "time", lambda: started + second)
        assert submit().status_code == 201
        assert counted() == expected                       # a lease of two serves two submissions


@pytest.mark.parametrize("app", [LEASED], indirect=True)
def test_the_end_of_a_window_is_asked_once_and_leases_in_it_end_with_it(client, app, make_collection, submit,
                                                                        monkeypatch):
    from survey import ratelimits
    from survey.extensions import limiter
    make_collection()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.12"
    asked, ask = [], limiter.limiter.get_window_stats
    monkeypatch.setattr(limiter.limiter, "get_window_stats", lambda *args: asked.append(args) or ask(*args))
    assert [submit().status_code for _ in range(6)] == [201] * 6      # three leases of two
    assert len(asked) == 1                                           # one round trip each, after the first
    (held,) = [held for lease, held in app.extensions["survey_rate_leases"]._open.items() if "submission" in lease]
    assert held[1] == ask(*asked[0]).reset_time                      # and the last one still ends with the window
    monkeypatch.setattr(ratelimits.time, "time", lambda: held[1] + 1)   # once it has ended, the end is asked anew
    assert app.extensions["survey_rate_leases"].window_end(next(iter(app.extensions["survey_rate_leases"]._open))) is None


def test_a_lease_is_spent_only_within_its_window_and_never_beyond_its_size():
    import time
    from survey.ratelimits import Leases
    leases = Leases()
    assert not leases.spend(("limit", "key"))           # none taken yet
    leases.keep(("limit", "key"), 2, time.time() + 60)
    assert [leases.spend(("limit", "key")) for _ in range(3)] == [True, True, False]
    leases.keep(("limit", "key"), 5, time.time() - 0.001)   # its window has reset
    assert not leases.spend(("limit", "key"))


def test_leases_taken_by_threads_at_the_same_moment_are_all_spent_within_the_earliest_window():
    import time
    from survey.ratelimits import Leases
    leases, ends = Leases(), time.time() + 60
    leases.keep(("limit", "key"), 1, ends)
    leases.keep(("limit", "key"), 2, ends + 0.5)              # another thread's, counted a moment later
    assert [leases.spend(("limit", "key")) for _ in range(4)] == [True, True, True, False]
    leases.keep(("limit", "key"), 2, ends + 60)               # the next window's, while this one lasts
    assert leases._open[("limit", "key")][1] == ends          # spent only until this window ends


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.parametrize("app", [{**LEASED, "SUBMISSION_RATE_LIMIT": "1000 per minute", "RATELIMIT_STORAGE_URI": REDIS,
                                  "RATELIMIT_KEY_PREFIX": f"lease{os.getpid()}"}], indirect=True)
def test_threads_of_one_worker_count_no_more_than_a_lease_each_beyond_what_they_let_through(app, make_collection,
                                                                                           valid_answers):
    # on Redis: its round trip lets the threads run out of a lease at the same moment, as in a worker
    import threading
    import uuid
    from limits import parse
    from survey.extensions import limiter
    make_collection()
    start, replies = threading.Barrier(8), []

    def tablet() -> None:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "198.51.100.11"
        start.wait()
        for _ in range(60):
            replies.append(client.post("/api/v1/collections/summer/responses", json={
                "client_id": uuid.uuid4().hex, "language": "sv", "channel": "tablet",
                "answers": dict(valid_answers)}).status_code)

    threads = [threading.Thread(target=tablet) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert replies.count(201) == 480
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.11"}):
        counted = 1000 - limiter.limiter.get_window_stats(parse("1000 per minute"), app.config["RATELIMIT_KEY_PREFIX"],
                                                          hashed_client_key(), "submission").remaining
    import redis
    store = redis.Redis.from_url(REDIS)
    store.delete(*store.keys(f"*{app.config['RATELIMIT_KEY_PREFIX']}*"))
    assert 480 <= counted <= 480 + 8 * 20        # at most one unspent lease per thread


def test_small_limits_are_counted_one_by_one_and_large_ones_in_bounded_leases():
    from limits import parse
    from survey.ratelimits import LEASE_MAX, lease_size
    assert lease_size(parse("10 per minute")) == 1
    assert lease_size(parse("600 per minute")) == 12
    assert lease_size(parse("1000000 per minute")) == LEASE_MAX
