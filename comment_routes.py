"""/boards/<id>/comments and /comments/<id>: what people say about a board, oldest first."""

from flask import url_for
from flask_smorest import abort

from auth import require_owner
from core.db import load_sql, utc_now
from core.errors import error_responses
from core.etags import ETAG_HEADER, IF_MATCH_PARAMETER, etag_header, write_if_match
from core.framework import ApiBlueprint
from core.pagination import AFTER, fetch_page
from schemas import CommentIn, CommentOut, CommentPageArgs

COMMENT_BY_ID = load_sql("comments/by_id")
COMMENTS_PAGE_BY_BOARD = load_sql("comments/page_by_board")
INSERT_COMMENT = load_sql("comments/insert")
UPDATE_COMMENT = load_sql("comments/update")
DELETE_COMMENT = load_sql("comments/delete")
# A board's comment count moves with its comments, in the same transaction.
ADD_COMMENT_COUNT = load_sql("boards/add_comment_count")
SUBTRACT_COMMENT_COUNT = load_sql("boards/subtract_comment_count")
BOARD_BY_ID = load_sql("boards/by_id")

LOCATION_HEADER = {"Location": {"description": "The new comment's URL.", "schema": {"type": "string"}}}


def create_comment_blueprint(mysql, auth):
    blp = ApiBlueprint("comments", __name__, description="Comments on boards, oldest first.")
    auth.require_for(blp)

    def get_comment_or_404(comment_id):
        """The comment with this id (404), with its board's author."""
        return mysql.fetch_one_or_404(COMMENT_BY_ID, "No such comment.", id=comment_id)

    # GET /boards/<id>/comments: a board's comments, oldest first; POST: write one.
    @blp.route("/boards/<int:board_id>/comments", methods=["GET"])
    @blp.doc(responses=error_responses(404))
    @blp.keyset_list(CommentPageArgs, CommentOut)
    def list_comments(page, board_id):
        """A board's comments, oldest first (404 when there is no such board)."""
        return fetch_page(mysql, COMMENTS_PAGE_BY_BOARD, page, AFTER, board_id=board_id,
                          parent=(BOARD_BY_ID, "No such board.", board_id))

    @blp.route("/boards/<int:board_id>/comments", methods=["POST"])
    @blp.doc(responses=error_responses(404, 409))
    @blp.arguments(CommentIn())
    @blp.response(201, CommentOut, headers=LOCATION_HEADER)
    def create_comment(new_comment, board_id):
        """Comment on a board; the author is the signed-in user."""
        me = auth.current_user()
        now = utc_now()

        def write():
            # The board's row first: it is locked, counted, and found (or 404) at once.
            if not mysql.execute(ADD_COMMENT_COUNT, id=board_id).rowcount:
                abort(404, message="No such board.")
            return mysql.execute(INSERT_COMMENT, board_id=board_id, user_id=me["id"],
                                 content=new_comment["content"], now=now).lastrowid

        comment_id = mysql.in_transaction(write)
        comment = {"id": comment_id, "board_id": board_id, **new_comment, "user_id": me["id"],
                   "author": me["name"], "created_at": now, "updated_at": now}
        return comment, {"Location": url_for("comments.get_comment", comment_id=comment_id)}

    # GET, PATCH, DELETE /comments/<id>
    @blp.route("/comments/<int:comment_id>", methods=["GET"])
    @blp.doc(responses=error_responses(404))
    @blp.response(200, CommentOut, headers=ETAG_HEADER)
    def get_comment(comment_id):
        """One comment, with its ETag."""
        comment = get_comment_or_404(comment_id)
        return comment, etag_header(comment)

    @blp.route("/comments/<int:comment_id>", methods=["PATCH"])
    @blp.doc(parameters=[IF_MATCH_PARAMETER],
             responses=error_responses(403, 404, 412))
    @blp.arguments(CommentIn())
    @blp.response(200, CommentOut)
    def update_comment(changes, comment_id):
        """Change a comment's content: its author or an admin."""
        comment = get_comment_or_404(comment_id)
        require_owner(auth.current_user(), comment["user_id"])
        now = utc_now()
        write_if_match(mysql, UPDATE_COMMENT, comment, id=comment_id, content=changes["content"], now=now)
        return {**comment, **changes, "updated_at": now}

    @blp.route("/comments/<int:comment_id>", methods=["DELETE"])
    @blp.doc(parameters=[IF_MATCH_PARAMETER],
             responses=error_responses(403, 404, 409, 412))
    @blp.response(204)
    def delete_comment(comment_id):
        """Delete a comment: its author, the board's author or an admin."""
        comment = get_comment_or_404(comment_id)
        me = auth.current_user()
        if me["id"] != comment["board_author_id"]:
            require_owner(me, comment["user_id"])

        def delete():
            # The board's row first, as when writing a comment; a comment deleted or
            # changed meanwhile ends in 404 or 412, which rolls the count back too.
            mysql.execute(SUBTRACT_COMMENT_COUNT, id=comment["board_id"])
            write_if_match(mysql, DELETE_COMMENT, comment, id=comment_id)

        mysql.in_transaction(delete)

    return blp
