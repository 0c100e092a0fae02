"""/boards: posts, newest first, with their authors."""

from flask import url_for
from flask_smorest import abort

from auth import load_signed_in_read, require_owner
from core.db import load_sql, utc_now
from core.errors import error_responses
from core.etags import ETAG_HEADER, IF_MATCH_PARAMETER, etag_header, write_if_match
from core.framework import ApiBlueprint
from core.pagination import fetch_page
from schemas import BoardCreate, BoardOut, BoardPageArgs, BoardPatch, BoardUpdate

INSERT_BOARD = load_sql("boards/insert")
BOARD_BY_ID = load_sql("boards/by_id")
BOARD_BY_ID_AND_CALLER = load_signed_in_read("boards/by_id")
BOARDS_PAGE = load_sql("boards/page")
BOARDS_PAGE_BY_AUTHOR = load_sql("boards/page_by_author")
UPDATE_BOARD = load_sql("boards/update")
DELETE_BOARD = load_sql("boards/delete")

NO_SUCH_BOARD = "No such board."
LOCATION_HEADER = {"Location": {"description": "The new board's URL.", "schema": {"type": "string"}}}


def create_board_blueprint(mysql, auth):
    blp = ApiBlueprint("boards", __name__, url_prefix="/boards", description="Boards (posts) and their authors.")

    def get_board_or_404(board_id):
        """The board with this id (404)."""
        return mysql.fetch_one_or_404(BOARD_BY_ID, NO_SUCH_BOARD, id=board_id)

    def change_board(board_id, changes):
        """Apply a PUT or PATCH for the author or an admin; return the new board."""
        board = get_board_or_404(board_id)
        require_owner(auth.current_user(), board["user_id"])
        now = utc_now()
        write_if_match(mysql, UPDATE_BOARD, board, id=board_id, title=changes.get("title"),
                       content=changes.get("content"), now=now)
        return {**board, **changes, "updated_at": now}

    # GET /boards: list boards, newest first; POST /boards: write one.
    @blp.route("", methods=["GET"])
    @auth.login_required
    @blp.keyset_list(BoardPageArgs, BoardOut)
    def list_boards(page):
        """List boards, newest first; ?user_id= keeps one author's."""
        if "user_id" in page:
            return fetch_page(mysql, BOARDS_PAGE_BY_AUTHOR, page, user_id=page["user_id"])
        return fetch_page(mysql, BOARDS_PAGE, page)

    @blp.route("", methods=["POST"])
    @auth.login_required
    @blp.arguments(BoardCreate())
    @blp.response(201, BoardOut, headers=LOCATION_HEADER)
    def create_board(new_board):
        """Write a board; its author is the signed-in user."""
        me = auth.current_user()
        now = utc_now()
        # The author's board count moves inside this INSERT (a trigger: docs/counters.md).
        insert = mysql.execute(INSERT_BOARD, user_id=me["id"], title=new_board["title"],
                               content=new_board["content"], now=now)
        board = {"id": insert.lastrowid, **new_board, "user_id": me["id"], "author": me["name"],
                 "comments": 0, "created_at": now, "updated_at": now}
        return board, {"Location": url_for("boards.get_board", board_id=board["id"])}

    # GET, PUT, PATCH, DELETE /boards/<id>
    @blp.route("/<int:board_id>", methods=["GET"])
    @blp.doc(responses=error_responses(404))
    @blp.response(200, BoardOut, headers=ETAG_HEADER)
    def get_board(board_id):
        """One board, with its ETag."""
        # The one statement signs the caller in too: every other operation here is
        # behind login_required, which looks the caller up on its own.
        board = auth.fetch_signed_in(BOARD_BY_ID_AND_CALLER, id=board_id)
        if board is None:
            abort(404, message=NO_SUCH_BOARD)
        return board, etag_header(board)

    @blp.route("/<int:board_id>", methods=["PUT"])
    @blp.doc(parameters=[IF_MATCH_PARAMETER],
             responses=error_responses(403, 404, 412))
    @auth.login_required
    @blp.arguments(BoardUpdate())
    @blp.response(200, BoardOut)
    def replace_board(changes, board_id):
        """Replace title and content: the author or an admin."""
        return change_board(board_id, changes)

    @blp.route("/<int:board_id>", methods=["PATCH"])
    @blp.doc(parameters=[IF_MATCH_PARAMETER],
             responses=error_responses(403, 404, 412))
    @auth.login_required
    @blp.arguments(BoardPatch())
    @blp.response(200, BoardOut)
    def update_board(changes, board_id):
        """Change the title or the content: the author or an admin."""
        return change_board(board_id, changes)

    @blp.route("/<int:board_id>", methods=["DELETE"])
    @blp.doc(parameters=[IF_MATCH_PARAMETER],
             responses=error_responses(403, 404, 412))
    @auth.login_required
    @blp.response(204)
    def delete_board(board_id):
        """Delete a board: the author or an admin."""
        board = get_board_or_404(board_id)
        require_owner(auth.current_user(), board["user_id"])
        # The author's board count moves inside this DELETE (a trigger: docs/counters.md).
        write_if_match(mysql, DELETE_BOARD, board, id=board_id)

    return blp
