"""/users/<id>/follow, /users/<id>/followers, /users/<id>/following, /profiles/<name>, /feed."""

from flask.views import MethodView
from flask_smorest import abort

from auth import create_auth
from blueprint import Blueprint
from db import load_sql
from errors import documented_errors
from pagination import LINK_HEADER, fetch_page
from schemas import BoardOut, PageArgs, ProfileOut, UserOut
from user_routes import shown_to
from versions import utc_now

LOCK_USERS = load_sql("follows/lock_users")
INSERT_FOLLOW = load_sql("follows/insert")
DELETE_FOLLOW = load_sql("follows/delete")
# Both users' counts move with the follow, in the same transaction.
ADD_FOLLOW_COUNTS = load_sql("users/add_follow_counts")
SUBTRACT_FOLLOW_COUNTS = load_sql("users/subtract_follow_counts")
FOLLOWERS_PAGE = load_sql("follows/followers_page")
FOLLOWING_PAGE = load_sql("follows/following_page")
USER_BY_ID = load_sql("users/by_id")
PROFILE_BY_NAME = load_sql("profiles/by_name")
FEED_PAGE_BY_BOARDS = load_sql("feed/page_by_boards")
FEED_PAGE_BY_FOLLOWS = load_sql("feed/page_by_follows")

# Up to this many people followed, the feed starts from the follows (its cost grows with
# what they wrote); beyond it, from the newest boards (its cost shrinks as they write a
# larger share of all boards). Measured crossover: "The feed" in README.md.
FEED_FOLLOWS_DRIVEN_UP_TO = 10


def create_follow_blueprint(mysql):
    blp = Blueprint("follows", __name__, description="Follows, profiles and the feed.")
    auth = create_auth(mysql)

    def change_follow(user_id, statement, count_statement):
        """Follow or unfollow user_id as the signed-in user: (the user, whether a row changed).

        Both users' rows are locked first, in id order, so the 404 comes before any write
        and the follow and both counts change together or not at all.
        """
        me = auth.current_user()
        pair = {"follower_id": me["id"], "followee_id": user_id}

        def write():
            found = {row["id"]: row for row in mysql.fetch_all(LOCK_USERS, **pair)}
            if user_id not in found:
                abort(404, message="No such user.")
            if me["id"] not in found:  # the signed-in account was deleted meanwhile
                abort(409, message="The account this was written for no longer exists.")
            changed = mysql.execute(statement, **pair, now=utc_now()).rowcount
            if changed:
                mysql.execute(count_statement, **pair)
            return shown_to(me, found[user_id]), changed

        return mysql.in_transaction(write)

    def people_page(statement, page, user_id):
        """One page of followers or followed, most recent follow first (404 for no such user)."""
        people, headers = fetch_page(mysql, statement, page, key="follow_id", user_id=user_id)
        # Only an empty page needs to tell "nobody" from "no such user".
        if not people and mysql.fetch_one(USER_BY_ID, id=user_id) is None:
            abort(404, message="No such user.")
        me = auth.current_user()
        return [shown_to(me, person) for person in people], headers

    # POST /users/<id>/follow: follow someone; DELETE: stop following them.
    @blp.route("/users/<int:user_id>/follow")
    class Follow(MethodView):
        @blp.doc(operationId="followUser")
        @auth.login_required
        @blp.response(201, UserOut, description="You now follow them: the user you follow.")
        @blp.alt_response(200, schema=UserOut, description="You already followed them: the user.")
        @documented_errors(blp, 401, 404, 409, 422)
        def post(self, user_id):
            """Follow a user: 201 when you start, 200 when you already did; nobody follows themself (422)."""
            if user_id == auth.current_user()["id"]:
                abort(422, message="Nobody follows themself.")
            user, started = change_follow(user_id, INSERT_FOLLOW, ADD_FOLLOW_COUNTS)
            return user, 201 if started else 200

        @blp.doc(operationId="unfollowUser")
        @auth.login_required
        @blp.response(204)
        @documented_errors(blp, 401, 404, 409)
        def delete(self, user_id):
            """Stop following a user (204 whether or not you did)."""
            change_follow(user_id, DELETE_FOLLOW, SUBTRACT_FOLLOW_COUNTS)

    # GET /users/<id>/followers
    @blp.route("/users/<int:user_id>/followers")
    class Followers(MethodView):
        @blp.doc(operationId="listFollowers")
        @auth.login_required
        @blp.arguments(PageArgs(), location="query")
        @blp.response(200, UserOut(many=True), headers=LINK_HEADER)
        @documented_errors(blp, 401, 404)
        def get(self, page, user_id):
            """The people who follow a user, most recent follow first."""
            return people_page(FOLLOWERS_PAGE, page, user_id)

    # GET /users/<id>/following
    @blp.route("/users/<int:user_id>/following")
    class Following(MethodView):
        @blp.doc(operationId="listFollowing")
        @auth.login_required
        @blp.arguments(PageArgs(), location="query")
        @blp.response(200, UserOut(many=True), headers=LINK_HEADER)
        @documented_errors(blp, 401, 404)
        def get(self, page, user_id):
            """The people a user follows, most recent follow first."""
            return people_page(FOLLOWING_PAGE, page, user_id)

    # GET /profiles/<name>: a user by name, with their counts. `path` lets a name hold a "/".
    @blp.route("/profiles/<path:name>")
    class Profile(MethodView):
        @blp.doc(operationId="getProfile")
        @auth.login_required
        @blp.response(200, ProfileOut)
        @documented_errors(blp, 401, 404)
        def get(self, name):
            """A user's profile by name (URL-encoded; any case and accents, as names are unique)."""
            profile = mysql.fetch_one(PROFILE_BY_NAME, name=name.strip(), me=auth.current_user()["id"])
            if profile is None:
                abort(404, message="Nobody has that name.")
            # MySQL's EXISTS is 0 or 1; JSON wants false or true.
            return {**profile, "followed_by_me": bool(profile["followed_by_me"])}

    # GET /feed: the boards of the people I follow, newest first.
    @blp.route("/feed")
    class Feed(MethodView):
        @blp.doc(operationId="getFeed")
        @auth.login_required
        @blp.arguments(PageArgs(), location="query")
        @blp.response(200, BoardOut(many=True), headers=LINK_HEADER)
        @documented_errors(blp, 401)
        def get(self, page):
            """The boards of the people you follow, newest first ([] when you follow nobody)."""
            me = auth.current_user()
            statement = (FEED_PAGE_BY_FOLLOWS if me["following_count"] <= FEED_FOLLOWS_DRIVEN_UP_TO
                         else FEED_PAGE_BY_BOARDS)
            return fetch_page(mysql, statement, page, me=me["id"])

    return blp
