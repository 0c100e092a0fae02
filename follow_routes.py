"""/users/<id>/follow, /users/<id>/followers, /users/<id>/following: who follows whom."""

from flask_smorest import abort

from auth import shown_to
from core.db import load_sql, utc_now
from core.errors import error_responses
from core.framework import ApiBlueprint
from core.pagination import fetch_page
from schemas import PageArgs, UserOut

LOCK_USERS = load_sql("follows/lock_users")
INSERT_FOLLOW = load_sql("follows/insert")
DELETE_FOLLOW = load_sql("follows/delete")
# Both users' counts move with the follow, in the same transaction.
ADD_FOLLOW_COUNTS = load_sql("users/add_follow_counts")
SUBTRACT_FOLLOW_COUNTS = load_sql("users/subtract_follow_counts")
FOLLOWERS_PAGE = load_sql("follows/followers_page")
FOLLOWING_PAGE = load_sql("follows/following_page")
USER_BY_ID = load_sql("users/by_id")


def create_follow_blueprint(mysql, auth):
    blp = ApiBlueprint("follows", __name__, url_prefix="/users/<int:user_id>", description="Who follows whom.")
    auth.require_for(blp)

    def lock_pair(me, user_id):
        """Lock both users' rows, in id order, and return the followed one's (404, 409).

        Taken first, so the 404 comes before any write and the follow and both counts
        change together or not at all.
        """
        found = {row["id"]: row for row in mysql.fetch_all(LOCK_USERS, follower_id=me["id"], followee_id=user_id)}
        if user_id not in found:
            abort(404, message="No such user.")
        if me["id"] not in found:  # the signed-in account was deleted meanwhile
            abort(409, message="The account this was written for no longer exists.")
        return found[user_id]

    def people_page(statement, page, user_id):
        """One page of followers or followed, most recent follow first (404 for no such user)."""
        people, headers = fetch_page(mysql, statement, page, key="follow_id", user_id=user_id,
                                     parent=(USER_BY_ID, "No such user.", user_id))
        me = auth.current_user()
        return [shown_to(me, person) for person in people], headers

    # POST /users/<id>/follow: follow someone; DELETE: stop following them.
    @blp.route("/follow", methods=["POST"])
    @blp.doc(responses=error_responses(404, 409, 422))
    @blp.response(201, UserOut, description="You now follow them: the user you follow.")
    @blp.alt_response(200, schema=UserOut, description="You already followed them: the user.")
    def follow_user(user_id):
        """Follow a user: 201 when you start, 200 when you already did; nobody follows themself (422)."""
        me = auth.current_user()
        if user_id == me["id"]:
            abort(422, message="Nobody follows themself.")
        pair = {"follower_id": me["id"], "followee_id": user_id}

        def follow():
            user = lock_pair(me, user_id)
            started = mysql.execute(INSERT_FOLLOW, **pair, now=utc_now()).rowcount
            if started:
                mysql.execute(ADD_FOLLOW_COUNTS, **pair)
            return user, started

        user, started = mysql.in_transaction(follow)
        return shown_to(me, user), 201 if started else 200

    @blp.route("/follow", methods=["DELETE"])
    @blp.doc(responses=error_responses(404, 409))
    @blp.response(204)
    def unfollow_user(user_id):
        """Stop following a user (204 whether or not you did)."""
        me = auth.current_user()
        pair = {"follower_id": me["id"], "followee_id": user_id}

        def unfollow():
            lock_pair(me, user_id)
            if mysql.execute(DELETE_FOLLOW, **pair).rowcount:
                mysql.execute(SUBTRACT_FOLLOW_COUNTS, **pair)

        mysql.in_transaction(unfollow)

    # GET /users/<id>/followers
    @blp.route("/followers", methods=["GET"])
    @blp.doc(responses=error_responses(404))
    @blp.keyset_list(PageArgs, UserOut)
    def list_followers(page, user_id):
        """The people who follow a user, most recent follow first."""
        return people_page(FOLLOWERS_PAGE, page, user_id)

    # GET /users/<id>/following
    @blp.route("/following", methods=["GET"])
    @blp.doc(responses=error_responses(404))
    @blp.keyset_list(PageArgs, UserOut)
    def list_following(page, user_id):
        """The people a user follows, most recent follow first."""
        return people_page(FOLLOWING_PAGE, page, user_id)

    return blp
