"""Rate limits protect staff sign-in and the API; their store never sees a client's address."""
from __future__ import annotations

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
