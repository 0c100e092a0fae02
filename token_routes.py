"""/tokens: sign in once with the password for a token, then log out here or everywhere."""

from datetime import timedelta

from flask_smorest import abort

from auth import new_token
from core.db import load_sql, utc_now
from core.errors import error_responses
from core.framework import ApiBlueprint
from schemas import NewToken, TokenCreate, TokenOut

# How many live tokens one user may hold: minting one more deletes the oldest. A user's
# expired tokens are deleted whenever that user mints a token, so the table stays bounded.
LIVE_TOKEN_LIMIT = 10

LOCK_USER = load_sql("tokens/lock_user")
INSERT_TOKEN = load_sql("tokens/insert")
PRUNE_TOKENS = load_sql("tokens/prune")
LIVE_TOKENS = load_sql("tokens/live_by_user")
DELETE_TOKEN = load_sql("tokens/delete")
DELETE_TOKEN_BY_HASH = load_sql("tokens/delete_by_hash")
DELETE_USER_TOKENS = load_sql("tokens/delete_by_user")

# A token cannot mint tokens, so a stolen one cannot extend its own life.
BASIC_ONLY = [{"basicAuth": []}]
# A token in a cache is a password in a cache (OAuth 2.0 asks the same of token responses).
NO_STORE_HEADER = {"Cache-Control": {"description": "no-store: the token must not be cached.",
                                     "schema": {"type": "string"}}}
# Logging out is a token's own business: a password names no token.
TOKEN_ONLY = [{"bearerAuth": []}]


def create_token_blueprint(mysql, auth):
    blp = ApiBlueprint("tokens", __name__, url_prefix="/tokens",
                    description="Bearer tokens: sign in once with the password, log out, log out everywhere.")

    # POST /tokens: sign in for a token; GET /tokens: my live tokens; DELETE /tokens: all of them.
    @blp.route("", methods=["GET"])
    @auth.login_required
    @blp.response(200, TokenOut(many=True))
    def list_tokens():
        """Your live tokens, newest first (at most 10, so not paginated); never the tokens themselves."""
        return mysql.fetch_all(LIVE_TOKENS, user_id=auth.current_user()["id"], now=utc_now(),
                               sent_token_hash=auth.sent_token_digest())

    @blp.route("", methods=["POST"])
    @blp.doc(security=BASIC_ONLY, responses=error_responses(429))
    @auth.basic_only
    @blp.arguments(TokenCreate(), required=False)
    @blp.response(201, NewToken, headers=NO_STORE_HEADER)
    def create_token(new):
        """Sign in with email and password (HTTP Basic only, not a token) for a token.

        The token is shown this once. A user holds at most 10 live tokens: a new one
        deletes the oldest, and the user's expired tokens are deleted with it.
        """
        me = auth.current_user()
        token, token_hash = new_token()

        def mint():
            # The user's row first: mints for one user run one after the other.
            mysql.fetch_one(LOCK_USER, user_id=me["id"])
            now = utc_now()
            expires_at = now + timedelta(seconds=new["expires_in"])
            token_id = mysql.execute(INSERT_TOKEN, user_id=me["id"], token_hash=token_hash,
                                     now=now, expires_at=expires_at).lastrowid
            mysql.execute(PRUNE_TOKENS, user_id=me["id"], now=now, limit=LIVE_TOKEN_LIMIT)
            return token_id, expires_at

        token_id, expires_at = mysql.in_transaction(mint)
        return ({"token": token, "id": token_id, "expires_at": expires_at, "user": me},
                {"Cache-Control": "no-store"})

    @blp.route("", methods=["DELETE"])
    @auth.login_required
    @blp.response(204)
    def delete_all_tokens():
        """Log out everywhere: every token of yours stops working, the one sent included."""
        mysql.execute(DELETE_USER_TOKENS, user_id=auth.current_user()["id"])

    # DELETE /tokens/current: log out.
    @blp.route("/current", methods=["DELETE"])
    @blp.doc(security=TOKEN_ONLY)
    @auth.token_only
    @blp.response(204)
    def delete_current_token():
        """Log out: the token this request is sent with stops working.

        It takes a token only: sent with the password (HTTP Basic), which names no token,
        it answers 401 with WWW-Authenticate: Bearer and deletes nothing.
        """
        mysql.execute(DELETE_TOKEN_BY_HASH, token_hash=auth.sent_token_digest())

    # DELETE /tokens/<id>: revoke one token.
    @blp.route("/<int:token_id>", methods=["DELETE"])
    @blp.doc(responses=error_responses(404))
    @auth.login_required
    @blp.response(204)
    def delete_token(token_id):
        """Revoke one of your tokens; an admin, anyone's.

        Another member's token answers 404, as one that does not exist: tokens are private.
        """
        me = auth.current_user()
        owner_id = None if me["role"] == "admin" else me["id"]
        if not mysql.execute(DELETE_TOKEN, id=token_id, user_id=owner_id).rowcount:
            abort(404, message="No such token.")

    return blp
