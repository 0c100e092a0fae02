"""HTTP Basic sign-in with email and password, and the JSON 401 that goes with it."""

import functools
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict

from flask import current_app, request
from flask_smorest import abort
from flask_httpauth import HTTPBasicAuth
from werkzeug.security import check_password_hash, generate_password_hash

from db import load_sql
from errors import error_body
from throttle import count_failed_login, one_guess_at_a_time, refuse_while_locked_out

CREDENTIALS_BY_EMAIL = load_sql("users/credentials_by_email")

# The pages' fetch() calls send this header; see BasicAuth.
PAGE_REQUEST_HEADER = ("X-Requested-With", "XMLHttpRequest")


class VerifiedCredentials:
    """Credentials that recently passed the (deliberately slow) password hash check.

    An entry is keyed by a MAC of email and password (BLAKE2b in its keyed mode) under a
    per-process random key, so the plaintext is never kept, and it remembers the stored hash
    it was checked against: after a password change or a deleted account the stored hash
    differs or is gone, and the next request is checked from scratch.
    """

    def __init__(self, max_entries=10_000, ttl_seconds=300):
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds
        self._key = secrets.token_bytes(32)
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, email, password):
        message = f"{email}\0{password}".encode()
        return hashlib.blake2b(message, key=self._key, digest_size=32).digest()

    def contains(self, email, password, password_hash):
        digest = self._digest(email, password)
        with self._lock:
            entry = self._entries.get(digest)
        if entry is None:
            return False
        checked_hash, expires_at = entry
        return expires_at > time.monotonic() and hmac.compare_digest(checked_hash, password_hash)

    def add(self, email, password, password_hash):
        digest = self._digest(email, password)
        with self._lock:
            self._entries[digest] = (password_hash, time.monotonic() + self.ttl_seconds)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


verified_credentials = VerifiedCredentials()


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def unknown_user_hash(method):
    """A hash to check unknown emails against, so they take as long as a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(), method=method)


class BasicAuth(HTTPBasicAuth):
    """Flask-HTTPAuth's Basic auth, leaving WWW-Authenticate out of the HTML pages' errors.

    With the header, the browser would pop up its Basic-auth dialog over the page's form;
    curl and other API clients still get it. Flask-HTTPAuth adds the header to whatever the
    error handler returns, so it is taken out after that, in the error path only.
    """

    def error_handler(self, f):
        respond_with_challenge = super().error_handler(f)

        @functools.wraps(f)
        def respond(*args, **kwargs):
            response = respond_with_challenge(*args, **kwargs)
            name, value = PAGE_REQUEST_HEADER
            if request.headers.get(name) == value:
                del response.headers["WWW-Authenticate"]
            return response

        self.auth_error_callback = respond
        return respond


def create_auth(mysql):
    """The BasicAuth object the blueprints protect their routes with."""
    auth = BasicAuth(realm="oz")

    @auth.verify_password
    def verify_password(email, password):
        """Return the signed-in user's row, or None for a wrong email or password."""
        if not email or not password:
            return None
        email = email.strip().lower()
        refuse_while_locked_out(email)
        user = mysql.fetch_one(CREDENTIALS_BY_EMAIL, email=email)
        password_hash = user.pop("password_hash") if user else None
        if user and verified_credentials.contains(email, password, password_hash):
            return user
        with one_guess_at_a_time(email):
            if user is None:
                check_password_hash(unknown_user_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
                count_failed_login(email)
                return None
            if not check_password_hash(password_hash, password):
                count_failed_login(email)
                return None
        verified_credentials.add(email, password, password_hash)
        return user

    @auth.get_user_roles
    def get_user_roles(user):
        return user["role"]

    @auth.error_handler
    def auth_error(status):
        if status == 401:
            return error_body(401, "Wrong or missing email and password (HTTP Basic)."), 401
        return error_body(403, "You are not allowed to do this."), 403

    return auth


def require_owner(user, owner_id):
    """Answer 403 unless the user owns the resource or is an admin."""
    if user["role"] != "admin" and user["id"] != owner_id:
        abort(403, message="Only the owner or an admin may do this.")
