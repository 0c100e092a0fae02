"""/users: sign up, read, change and delete accounts."""

from flask import url_for
from flask_smorest import abort

from auth import hash_password, require_owner, shown_to
from core.db import load_sql, utc_now
from core.errors import error_responses
from core.etags import ETAG_HEADER, IF_MATCH_PARAMETER, etag_header, write_if_match
from core.framework import ApiBlueprint
from core.pagination import fetch_page
from schemas import PageArgs, UserCreate, UserOut, UserPatch, UserUpdate

INSERT_USER = load_sql("users/insert")
USER_BY_ID = load_sql("users/by_id")
USERS_PAGE = load_sql("users/page")
UPDATE_USER = load_sql("users/update")
DELETE_USER = load_sql("users/delete")
# ON DELETE CASCADE runs no triggers: these correct, before the DELETE, the counts that the
# account's follows and comments fed (see delete_account).
LOCK_COMMENTED_BOARDS_FOR_DELETE = load_sql("users/lock_commented_boards_for_delete")
LOCK_COMMENTS_FOR_DELETE = load_sql("users/lock_comments_for_delete")
LOCK_USER_FOR_DELETE = load_sql("users/lock_for_delete")
UNCOUNT_COMMENTS_OF_DELETED = load_sql("users/uncount_comments_of_deleted")
UNCOUNT_FOLLOWEES_OF_DELETED = load_sql("users/uncount_followees_of_deleted")
UNCOUNT_FOLLOWERS_OF_DELETED = load_sql("users/uncount_followers_of_deleted")
DELETE_USER_TOKENS = load_sql("tokens/delete_by_user")

LOCATION_HEADER = {"Location": {"description": "The new user's URL.", "schema": {"type": "string"}}}


def create_user_blueprint(mysql, auth):
    blp = ApiBlueprint("users", __name__, url_prefix="/users", description="Accounts.")

    def get_user_or_404(user_id):
        """The user with this id (404)."""
        return mysql.fetch_one_or_404(USER_BY_ID, "No such user.", id=user_id)

    def change_user(user_id, changes):
        """Apply a PUT or PATCH for the user themself or an admin; return the new user."""
        me = auth.current_user()
        user = get_user_or_404(user_id)
        require_owner(me, user["id"])
        if "role" in changes and me["role"] != "admin":
            abort(403, message="Only admins may change roles.")
        password = changes.pop("password", None)
        password_hash = hash_password(password) if password else None  # slow: before the transaction
        now = utc_now()

        def write():
            write_if_match(mysql, UPDATE_USER, user, id=user_id, name=changes.get("name"),
                           email=changes.get("email"), password_hash=password_hash,
                           role=changes.get("role"), now=now)
            if password:
                # A new password signs every token of the user out, the one sent included.
                mysql.execute(DELETE_USER_TOKENS, user_id=user_id)

        mysql.in_transaction(write)
        return shown_to(me, {**user, **changes, "updated_at": now})

    # POST /users: sign up; GET /users: list users, newest first.
    @blp.route("", methods=["GET"])
    @auth.login_required
    @blp.keyset_list(PageArgs, UserOut)
    def list_users(page):
        """List users, newest first (emails only where you may see them)."""
        me = auth.current_user()
        users, headers = fetch_page(mysql, USERS_PAGE, page)
        return [shown_to(me, user) for user in users], headers

    @blp.route("", methods=["POST"])
    @blp.doc(security=[], responses=error_responses(409))
    @blp.arguments(UserCreate())
    @blp.response(201, UserOut, headers=LOCATION_HEADER)
    def create_user(new_user):
        """Sign up: create a member account."""
        now = utc_now()
        insert = mysql.execute(
            INSERT_USER,
            name=new_user["name"],
            email=new_user["email"],
            password_hash=hash_password(new_user["password"]),
            role="member",
            now=now,
        )
        user = {"id": insert.lastrowid, "name": new_user["name"], "email": new_user["email"],
                "role": "member", "created_at": now, "updated_at": now}
        return user, {"Location": url_for("users.get_user", user_id=user["id"])}

    # GET /users/me: the signed-in user, whose sign-in row is the whole answer.
    @blp.route("/me", methods=["GET"])
    @blp.response(200, UserOut, headers=ETAG_HEADER)
    def get_me():
        """The signed-in user, email included."""
        me = auth.signed_in_user()
        return me, etag_header(me)

    # GET, PUT, PATCH, DELETE /users/<id>
    @blp.route("/<int:user_id>", methods=["GET"])
    @blp.doc(responses=error_responses(404))
    @auth.login_required
    @blp.response(200, UserOut, headers=ETAG_HEADER)
    def get_user(user_id):
        """One user, with its ETag."""
        user = get_user_or_404(user_id)
        return shown_to(auth.current_user(), user), etag_header(user)

    @blp.route("/<int:user_id>", methods=["PUT"])
    @blp.doc(parameters=[IF_MATCH_PARAMETER],
             responses=error_responses(403, 404, 409, 412))
    @auth.login_required
    @blp.arguments(UserUpdate())
    @blp.response(200, UserOut)
    def replace_user(changes, user_id):
        """Replace name and email (and optionally the password): the user or an admin."""
        return change_user(user_id, changes)

    @blp.route("/<int:user_id>", methods=["PATCH"])
    @blp.doc(parameters=[IF_MATCH_PARAMETER],
             responses=error_responses(403, 404, 409, 412))
    @auth.login_required
    @blp.arguments(UserPatch())
    @blp.response(200, UserOut)
    def update_user(changes, user_id):
        """Change some of name, email, password; role by admins only."""
        return change_user(user_id, changes)

    @blp.route("/<int:user_id>", methods=["DELETE"])
    @blp.doc(parameters=[IF_MATCH_PARAMETER],
             responses=error_responses(403, 404, 412))
    @auth.login_required
    @blp.response(204)
    def delete_user(user_id):
        """Delete the account and all its boards: the user or an admin."""
        user = get_user_or_404(user_id)
        require_owner(auth.current_user(), user["id"])

        def delete_account():
            """One transaction: the counts the cascade would leave wrong, then the DELETE.

            The rows are locked in the order other writers take them (the boards it
            commented on, its comments, then its own row), so that nobody comments as
            it, deletes one of its comments, follows or unfollows it between counting
            and deleting. Its own boards and their counts go with it.
            """
            mysql.fetch_all(LOCK_COMMENTED_BOARDS_FOR_DELETE, id=user_id)
            mysql.fetch_one(LOCK_COMMENTS_FOR_DELETE, id=user_id)
            if mysql.fetch_one(LOCK_USER_FOR_DELETE, id=user_id) is None:
                abort(404, message="The resource was deleted meanwhile.")
            mysql.execute(UNCOUNT_COMMENTS_OF_DELETED, id=user_id)
            mysql.execute(UNCOUNT_FOLLOWEES_OF_DELETED, id=user_id)
            mysql.execute(UNCOUNT_FOLLOWERS_OF_DELETED, id=user_id)
            write_if_match(mysql, DELETE_USER, user, id=user_id)

        mysql.in_transaction(delete_account)

    return blp
