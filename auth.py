"""Who is signed in: HTTP Basic (email and password) or a Bearer token, roles and the owner check.

create_auth() builds the one Auth that every blueprint is given; its 401s and 403s are the
contract's JSON errors. A token is checked with one indexed lookup (its SHA-256 in tokens,
joined to its user) and no password hash, and nothing about it is cached: a revoked or
expired token, or one whose user is gone, fails on the very next request in every worker.
A hot read signs its caller in within its own statement instead (Auth.fetch_signed_in).
"""

import functools
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from http import HTTPStatus
from typing import NamedTuple

from apispec import BasePlugin
from flask import current_app, request
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth, MultiAuth
from flask_smorest import abort
from werkzeug.security import check_password_hash, generate_password_hash

from core.db import load_sql, utc_now
from core.framework import PlainCallbacks

CREDENTIALS_BY_EMAIL = load_sql("users/credentials_by_email")
USER_BY_TOKEN = load_sql("tokens/user_by_token")

# 256 bits from the CSPRNG; secrets.token_urlsafe writes them as 43 URL-safe characters, so
# anything else sent as a token is refused without asking the database.
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")

# How a signed-in read names its caller's columns (SignedInRead).
CALLER_PREFIX = "caller_"

# The pages' fetch() calls send this header: their 401s carry no challenge (see challenge()).
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


class SignedInRead(NamedTuple):
    """A read joined to its caller's sign-in row, so that one statement signs in and reads.

    Two files: the caller found by email (HTTP Basic) and by token. The caller's columns are
    those of users/credentials_by_email.sql (tokens/user_by_token.sql for a token), each
    named caller_<column>; where the read finds nothing, its own columns are NULL.
    """

    by_email: str
    by_token: str


def load_signed_in_read(name):
    """The SignedInRead in sql/<name>_and_caller_by_email.sql and <name>_and_caller_by_token.sql."""
    return SignedInRead(load_sql(f"{name}_and_caller_by_email"), load_sql(f"{name}_and_caller_by_token"))


def split_caller(row):
    """A signed-in read's row as the caller's columns (their caller_ taken off) and the read's."""
    caller, read_row = {}, {}
    for column, value in row.items():
        if column.startswith(CALLER_PREFIX):
            caller[column[len(CALLER_PREFIX):]] = value
        else:
            read_row[column] = value
    return caller, read_row


class BasicAuth(PlainCallbacks, HTTPBasicAuth):
    """Authorization: Basic <email:password>, Flask-HTTPAuth's own parser."""


class TokenAuth(PlainCallbacks, HTTPTokenAuth):
    """Authorization: Bearer <token>, the scheme's name in any case (RFC 9110 says so)."""

    def is_compatible_auth(self, headers):
        scheme = headers.get("Authorization", "").partition(" ")[0]
        return scheme.lower() == "bearer"


class Auth(MultiAuth):
    """Basic or Bearer, chosen by the Authorization header's scheme (Flask-HTTPAuth's MultiAuth).

    MultiAuth wraps the view in the chosen auth's login_required on every request; this
    wraps it in both once, when the route is declared, and picks one per request.
    """

    def __init__(self, basic, token, mysql, failed_logins):
        super().__init__(basic, token)
        self.basic = basic
        self.token = token
        self.mysql = mysql
        self.failed_logins = failed_logins

    def login_required(self, f=None, role=None, optional=None):
        def protect(view):
            with_basic = self.basic.login_required(role=role, optional=optional)(view)
            with_token = self.token.login_required(role=role, optional=optional)(view)

            @functools.wraps(view)
            def decorated(*args, **kwargs):
                if self.sent_token():
                    return with_token(*args, **kwargs)
                return with_basic(*args, **kwargs)

            return decorated

        return protect(f) if f else protect

    def sent_token(self):
        """Does this request's Authorization header name the Bearer scheme?"""
        # Asked on every signed-in request, of the request itself rather than Flask's proxy
        # to it: each read through the proxy costs about 9k instructions (bench/README.md).
        return self.token.is_compatible_auth(request._get_current_object().headers)

    def sent_token_digest(self):
        """The digest of the token this request signed in with, None for a password: the
        token's key in the tokens table, so the request carries its own token's identity."""
        if not self.sent_token():
            return None
        return token_digest(self.token.get_auth().token)

    def fetch_signed_in(self, read, **params):
        """Sign the caller in and run a read, in one statement: the read's row, or None.

        For a hot read, which would otherwise send the sign-in lookup as a statement of its
        own (what that costs: bench/README.md). `read` is a SignedInRead. The caller passes
        the same checks as under login_required (the same sign-in functions, lock-out
        included) and fails with the same 401, and the read's row is looked at only once the
        caller has passed. The view is not behind login_required, so auth.current_user() is
        not set: a view that needs the caller stays behind login_required.
        """
        read_row = None

        def fetch_caller(query, **caller_key):
            nonlocal read_row
            row = self.mysql.fetch_one(query, **caller_key, **params)
            if row is None:
                return None
            caller, read_row = split_caller(row)
            return caller

        self.sign_in(lambda email: fetch_caller(read.by_email, email=email),
                     lambda token_hash: fetch_caller(read.by_token, token_hash=token_hash, now=utc_now()))
        if all(value is None for value in read_row.values()):
            return None
        return read_row

    def signed_in_user(self):
        """Sign the caller in and return their row, for a view whose answer is the caller.

        GET /users/me reads nothing but the sign-in row. Behind login_required, Flask-HTTPAuth
        would keep that row in `g` for the view to read back (current_user()): four reads
        through Flask's proxies, 53k of its 680k instructions (bench/README.md). The checks
        and 401s are login_required's. A view that takes a body or query arguments stays
        behind login_required, so that its 401 comes before their 422.
        """
        return self.sign_in(self.user_by_email, self.user_by_token)

    def sign_in(self, fetch_by_email, fetch_by_token):
        """The caller's row, read by fetch_by_email(email) or fetch_by_token(token_hash) as the
        request's scheme says, through the sign-in functions login_required's callbacks use;
        a failed sign-in answers the scheme's 401 from here."""
        if self.sent_token():
            scheme, credentials = self.token, self.token.get_auth()
            caller = token_sign_in(getattr(credentials, "token", None) or "", fetch_by_token)
        else:
            scheme, credentials = self.basic, self.basic.get_auth()
            email, password = (credentials.username, credentials.password) if credentials else ("", "")
            caller = password_sign_in(email, password, fetch_by_email, self.failed_logins)
        if caller is None:
            scheme.auth_error_callback(401)  # the error handlers below abort with the 401
        return caller

    def user_by_email(self, email):
        """The sign-in row of the user with this email (password_hash included), or None."""
        return self.mysql.fetch_one(CREDENTIALS_BY_EMAIL, email=email)

    def user_by_token(self, token_hash):
        """The sign-in row of this live token's user, or None."""
        return self.mysql.fetch_one(USER_BY_TOKEN, token_hash=token_hash, now=utc_now())

    def require_for(self, blp):
        """Every operation of this blueprint needs a signed-in user: 401 before anything else.

        The 401 is documented on every operation that declares security (SignInResponses).
        """
        blp.before_request(self.login_required(signed_in))

    def basic_only(self, view):
        """Protect a view with Basic alone: a token (or anything but Basic) gets Basic's 401."""
        return self.basic.login_required(view)

    def token_only(self, view):
        """Protect a view with a token alone: a password (or no token) gets the token's 401."""
        return self.token.login_required(view)


def signed_in():
    """Nothing more to do: login_required has let the request through."""


class SignInResponses(BasePlugin):
    """An apispec plugin: every operation that takes sign-in documents its 401.

    An operation is public when it declares `security: []` (sign-up, /health); every other
    one falls under the document's default security, Basic or Bearer.
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in operations.values():
            if operation.get("security") != []:
                operation.setdefault("responses", {}).setdefault("401", HTTPStatus.UNAUTHORIZED.name)


def challenge(auth):
    """The WWW-Authenticate header of a 401, except on the pages' own requests.

    With the header, the browser would pop up its Basic-auth dialog over the page's form;
    curl and other API clients still get it.
    """
    name, value = PAGE_REQUEST_HEADER
    if request.headers.get(name) == value:
        return {}
    return {"WWW-Authenticate": auth.authenticate_header()}


def new_token():
    """A fresh token, and the SHA-256 (in hex) that is stored in its place."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_digest(token)


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def password_sign_in(email, password, fetch_caller, failed_logins):
    """The caller's row (without its password_hash), or None for a wrong email or password.

    fetch_caller(email) reads the caller's sign-in row, None for an unknown email: the
    sign-in lookup alone (login_required) or a read joined to it (Auth.fetch_signed_in).
    failed_logins are the app's counts (core/throttle.py), which lock a guesser out.
    """
    if not email or not password:
        return None
    email = email.strip().lower()
    failed_logins.refuse_while_locked_out(email)
    user = fetch_caller(email)
    password_hash = user.pop("password_hash") if user else None
    if user and verified_credentials.contains(email, password, password_hash):
        return user
    with failed_logins.one_guess_at_a_time(email):
        if user is None:
            check_password_hash(unknown_user_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
            failed_logins.count_failed_login(email)
            return None
        if not check_password_hash(password_hash, password):
            failed_logins.count_failed_login(email)
            return None
    verified_credentials.add(email, password, password_hash)
    return user


def token_sign_in(token, fetch_caller):
    """The token's user row, or None: fetch_caller(token_hash) reads it while the token lives.

    Expired, revoked, unknown and malformed tokens, and those of a deleted user, all come
    back as None, so they all get the same 401.
    """
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    return fetch_caller(token_digest(token))


def create_auth(mysql, failed_logins):
    """The auth the blueprints protect their routes with: Basic or a Bearer token, with the
    app's failed-login counts (core/throttle.py)."""
    basic = BasicAuth(realm="oz")
    token_auth = TokenAuth(scheme="Bearer", realm="oz")
    auth = Auth(basic, token_auth, mysql, failed_logins)

    @basic.verify_password
    def verify_password(email, password):
        """Return the signed-in user's row, or None for a wrong email or password."""
        return password_sign_in(email, password, auth.user_by_email, failed_logins)

    @token_auth.verify_token
    def verify_token(token):
        """Return the token's user row (the same keys as Basic's), or None: one indexed lookup."""
        return token_sign_in(token, auth.user_by_token)

    @basic.get_user_roles
    @token_auth.get_user_roles
    def get_user_roles(user):
        return user["role"]

    # The error handlers answer through the app's JSON error handler (abort), which sends
    # the challenge only where it is wanted.
    @basic.error_handler
    def basic_error(status):
        if status == 401:
            abort(401, message="Wrong or missing email and password (HTTP Basic).", headers=challenge(basic))
        forbidden()

    @token_auth.error_handler
    def token_error(status):
        if status != 401:
            forbidden()
        if token_auth.is_compatible_auth(request.headers):
            abort(401, message="Wrong, expired or revoked token (HTTP Bearer).", headers=challenge(token_auth))
        abort(401, message="This operation takes a token (Authorization: Bearer), not a password.",
              headers=challenge(token_auth))

    return auth


def forbidden():
    abort(403, message="You are not allowed to do this.")


def shown_to(viewer, user):
    """The user as the viewer may see it: the email only for themself and admins."""
    if viewer["role"] == "admin" or viewer["id"] == user["id"]:
        return user
    return {key: value for key, value in user.items() if key != "email"}


def require_owner(user, owner_id):
    """Answer 403 unless the user owns the resource or is an admin."""
    if user["role"] != "admin" and user["id"] != owner_id:
        abort(403, message="Only the owner or an admin may do this.")
