"""Failed-login throttling: wrong passwords for one email from one address lock that address
out of that account for a while; from all addresses together, at a higher ceiling, the account.

Two limits, each a count of failed sign-ins in a moving window:
- FAILED_LOGIN_LIMIT (10 per 5 minutes) per email and client address: a guesser is stopped
  without locking the account's owner out from anywhere else;
- FAILED_LOGIN_ACCOUNT_LIMIT (100 per 15 minutes) per email, from every address together:
  guesses spread over many addresses still stop, and the owner is locked out only then.
The client address is the TCP peer's, or with OZ_TRUST_PROXY the one a trusted reverse proxy
forwards (werkzeug's ProxyFix, app.py). Tokens are not throttled: they are not guessable.

The counts live in a `limits` storage (the library under Flask-Limiter, configured with the
same RATELIMIT_* settings): memory by default (one process), Redis when RATELIMIT_STORAGE_URI
names one (redis://host:6379), so that every worker and host shares them. They are checked
inside sign-in, before the slow password hash, so the rate limiter is used directly: the
Flask-Limiter extension would add three hooks to every request for route limits that oz
does not have.

Guesses for one email sent at the same moment are checked one at a time
(one_guess_at_a_time): within a process by a lock in memory, and across every process that
shares the counts in Redis by a lock in Redis too, so both limits hold exactly everywhere.
"""

import functools
import hashlib
import logging
import math
import threading
import time
from contextlib import contextmanager, nullcontext

from flask import request
from flask_smorest import abort
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from limits.util import WindowStats

log = logging.getLogger(__name__)

SCOPE = "failed-login"

# Each lock is shared by a stripe of emails: see one_guess_at_a_time.
GUESS_LOCKS = [threading.Lock() for _ in range(64)]

# A guess holds the shared lock for one password check; a process that dies holding it
# frees it after this long.
SHARED_GUESS_LOCK_SECONDS = 10


def init_throttle(app):
    """The app's failed-login counts, configured from its FAILED_LOGIN_* and RATELIMIT_* settings.

    The auth is handed them (app.py), as the blueprints are handed the MySQL object: sign-in
    reads them on every request, and a read through Flask's current_app proxy costs about
    9k instructions (bench/README.md).
    """
    app.config.setdefault("FAILED_LOGIN_LIMIT", "10 per 5 minutes")
    app.config.setdefault("FAILED_LOGIN_ACCOUNT_LIMIT", "100 per 15 minutes")
    storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
                                  **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
    address_limit = parse(app.config["FAILED_LOGIN_LIMIT"])
    account_limit = parse(app.config["FAILED_LOGIN_ACCOUNT_LIMIT"])
    if address_limit.get_expiry() > account_limit.get_expiry():
        raise ValueError("FAILED_LOGIN_LIMIT's window must not be longer than FAILED_LOGIN_ACCOUNT_LIMIT's")
    return FailedLogins(
        # A moving window: "10 within 5 minutes" holds for any 5 minutes, not per clock slot,
        # and the failures in the address's window are among those in the account's (the
        # one storage read of refuse_while_locked_out counts on it).
        limiter=MovingWindowRateLimiter(storage),
        address_limit=address_limit,
        account_limit=account_limit,
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", ""),
    )


class FailedLogins:
    """An app's failed-login counts: the rate limiter, the two limits and the storage key prefix."""

    def __init__(self, limiter, address_limit, account_limit, key_prefix):
        self.limiter = limiter
        self.address_limit = address_limit
        self.account_limit = account_limit
        self.scope = (key_prefix, SCOPE) if key_prefix else (SCOPE,)
        # Every sign-in reads its account's count: the key (a hash, then the limit's join) is
        # made once for each email recently seen.
        self.account_key = functools.lru_cache(maxsize=10_000)(self._account_key)

    # The storage identifiers of an email's two counts. Emails and addresses are hashed: the
    # storage (Redis, perhaps shared) holds neither, and a key has the same length whatever
    # the client sent.

    def account_count(self, email):
        return (*self.scope, "account", hashlib.sha256(email.encode()).hexdigest())

    def _account_key(self, email):
        return self.account_limit.key_for(*self.account_count(email))

    def account_window(self, email):
        """The account's count as the limiter's get_window_stats gives it, read by its cached key."""
        limit = self.account_limit
        window_start, failures = self.limiter.storage.get_moving_window(
            self.account_key(email), limit.amount, limit.get_expiry())
        return WindowStats(window_start + limit.get_expiry(), limit.amount - failures)

    def address_count(self, email):
        return (*self.scope, "address", hashlib.sha256(f"{email}\0{request.remote_addr}".encode()).hexdigest())

    def shared_guess_lock(self, email):
        """A lock for this email's guesses that every process sharing the counts sees.

        Counts kept in memory are this process's alone, so its own lock is enough there.
        """
        storage = self.limiter.storage
        if not hasattr(storage, "get_connection"):
            return nullcontext()
        name = "/".join((*self.scope, "guess-lock", hashlib.sha256(email.encode()).hexdigest()))
        return storage.get_connection().lock(name, timeout=SHARED_GUESS_LOCK_SECONDS,
                                             blocking_timeout=SHARED_GUESS_LOCK_SECONDS)

    def refuse_while_locked_out(self, email):
        """Answer 429 with Retry-After while this email, from this address or at all, has had
        too many failed logins.

        One storage read when the account has had few failures, as on almost every sign-in:
        each failure from this address is also one of the account's, in a window no longer
        than the account's (init_throttle), so with fewer than FAILED_LOGIN_LIMIT failures for
        the account, this address cannot have reached it.
        """
        try:
            account = self.account_window(email)
            if not account.remaining:
                too_many(account, "Too many failed sign-ins for this account; try again later.")
            if self.account_limit.amount - account.remaining < self.address_limit.amount:
                return
            address = self.limiter.get_window_stats(self.address_limit, *self.address_count(email))
        except self.limiter.storage.base_exceptions as error:
            _storage_unavailable(error)
        if not address.remaining:
            too_many(address, "Too many failed sign-ins for this account from your address; try again later.")

    def count_failed_login(self, email):
        """Record one failed login for this email, from this request's address."""
        try:
            self.limiter.hit(self.account_limit, *self.account_count(email))
            self.limiter.hit(self.address_limit, *self.address_count(email))
        except self.limiter.storage.base_exceptions as error:
            _storage_unavailable(error)

    @contextmanager
    def one_guess_at_a_time(self, email):
        """Around a slow password check: guesses for one email go one at a time.

        The lock-out is checked again inside, so a failure counted while this guess waited
        is seen: thirty guesses sent at once get ten checks, not thirty, however many
        processes they reach.
        """
        with GUESS_LOCKS[hash(email) % len(GUESS_LOCKS)]:
            try:
                with self.shared_guess_lock(email):
                    self.refuse_while_locked_out(email)
                    yield
            except self.limiter.storage.base_exceptions as error:
                _storage_unavailable(error)


def _storage_unavailable(error):
    log.warning("failed-login storage unavailable: %s", error)
    abort(503, message="Sign-in is unavailable; try again shortly.", headers={"Retry-After": "5"})


def too_many(window, message):
    retry_after = max(1, math.ceil(window.reset_time - time.time()))
    abort(429, message=message, headers={"Retry-After": str(retry_after)})
