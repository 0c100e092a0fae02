"""/profiles/<name> and /users/<id>/boards: a person's page, their counts and their boards."""


from core.db import load_sql
from core.errors import error_responses
from core.framework import ApiBlueprint
from core.pagination import fetch_page
from schemas import BoardOut, PageArgs, ProfileOut

PROFILE_BY_NAME = load_sql("profiles/by_name")
BOARDS_PAGE_BY_AUTHOR = load_sql("boards/page_by_author")
USER_BY_ID = load_sql("users/by_id")


def create_profile_blueprint(mysql, auth):
    blp = ApiBlueprint("profiles", __name__, description="People: their profiles and their boards.")
    auth.require_for(blp)

    # GET /profiles/<name>: a user by name, with their counts. `path` lets a name hold a "/".
    @blp.route("/profiles/<path:name>", methods=["GET"])
    @blp.doc(responses=error_responses(404))
    @blp.response(200, ProfileOut)
    def get_profile(name):
        """A user's profile by name (URL-encoded; any case and accents, as names are unique)."""
        profile = mysql.fetch_one_or_404(PROFILE_BY_NAME, "Nobody has that name.",
                                         name=name.strip(), me=auth.current_user()["id"])
        # MySQL's EXISTS is 0 or 1; JSON wants false or true.
        return {**profile, "followed_by_me": bool(profile["followed_by_me"])}

    # GET /users/<id>/boards: one author's boards, as GET /boards?user_id= but 404 for nobody.
    @blp.route("/users/<int:user_id>/boards", methods=["GET"])
    @blp.doc(responses=error_responses(404))
    @blp.keyset_list(PageArgs, BoardOut)
    def list_user_boards(page, user_id):
        """One user's boards, newest first (404 when there is no such user)."""
        return fetch_page(mysql, BOARDS_PAGE_BY_AUTHOR, page, user_id=user_id,
                          parent=(USER_BY_ID, "No such user.", user_id))

    return blp
