"""/boards: posts with their authors; and /users/<id>/boards, one author's posts."""

from flask import url_for
from flask.views import MethodView
from flask_smorest import abort

from auth import create_auth, require_owner
from blueprint import Blueprint
from db import load_sql
from errors import documented_errors
from pagination import LINK_HEADER, fetch_page
from schemas import BoardCreate, BoardOut, BoardPageArgs, BoardPatch, BoardUpdate, PageArgs
from versions import (ETAG_HEADER, IF_MATCH_PARAMETER, check_written, etag_header,
                      expected_version, utc_now)

INSERT_BOARD = load_sql("boards/insert")
BOARD_BY_ID = load_sql("boards/by_id")
BOARDS_PAGE = load_sql("boards/page")
BOARDS_PAGE_BY_AUTHOR = load_sql("boards/page_by_author")
UPDATE_BOARD = load_sql("boards/update")
DELETE_BOARD = load_sql("boards/delete")
USER_BY_ID = load_sql("users/by_id")

LOCATION_HEADER = {"Location": {"description": "The new board's URL.", "schema": {"type": "string"}}}


def create_board_blueprint(mysql):
    blp = Blueprint("boards", __name__, description="Boards (posts) and their authors.")
    auth = create_auth(mysql)

    def get_board(board_id, check_author=True):
        """The board with this id (404), which the signed-in user may change (403)."""
        board = mysql.fetch_one(BOARD_BY_ID, id=board_id)
        if board is None:
            abort(404, message="No such board.")
        if check_author:
            require_owner(auth.current_user(), board["user_id"])
        return board

    def boards_page(page, author_id=None):
        """One page of boards, newest first, with the Link to the next."""
        if author_id is None:
            return fetch_page(mysql, BOARDS_PAGE, page)
        return fetch_page(mysql, BOARDS_PAGE_BY_AUTHOR, page, user_id=author_id)

    def change_board(board_id, changes):
        """Apply a PUT or PATCH for the author or an admin; return the new board."""
        board = get_board(board_id)
        expected_updated_at = expected_version(board)
        now = utc_now()
        cursor = mysql.execute(UPDATE_BOARD, id=board_id, title=changes.get("title"),
                               content=changes.get("content"), now=now,
                               expected_updated_at=expected_updated_at)
        check_written(cursor, expected_updated_at)
        return {**board, **changes, "updated_at": now}

    # GET /boards: list boards, newest first; POST /boards: write one.
    @blp.route("/boards")
    class Boards(MethodView):
        @blp.doc(operationId="listBoards")
        @auth.login_required
        @blp.arguments(BoardPageArgs(), location="query")
        @blp.response(200, BoardOut(many=True), headers=LINK_HEADER)
        @documented_errors(blp, 401)
        def get(self, page):
            """List boards, newest first; ?user_id= keeps one author's."""
            return boards_page(page, page.get("user_id"))

        @blp.doc(operationId="createBoard")
        @auth.login_required
        @blp.arguments(BoardCreate())
        @blp.response(201, BoardOut, headers=LOCATION_HEADER)
        @documented_errors(blp, 401)
        def post(self, new_board):
            """Write a board; its author is the signed-in user."""
            me = auth.current_user()
            now = utc_now()
            # The author's board count moves inside this INSERT (a trigger: schema.sql).
            cursor = mysql.execute(INSERT_BOARD, user_id=me["id"], title=new_board["title"],
                                   content=new_board["content"], now=now)
            board = {"id": cursor.lastrowid, **new_board, "user_id": me["id"], "author": me["name"],
                     "comments": 0, "created_at": now, "updated_at": now}
            return board, {"Location": url_for("boards.Board", board_id=board["id"])}

    # GET, PUT, PATCH, DELETE /boards/<id>
    @blp.route("/boards/<int:board_id>")
    class Board(MethodView):
        @blp.doc(operationId="getBoard")
        @auth.login_required
        @blp.response(200, BoardOut, headers=ETAG_HEADER)
        @documented_errors(blp, 401, 404)
        def get(self, board_id):
            """One board, with its ETag."""
            board = get_board(board_id, check_author=False)
            return board, etag_header(board)

        @blp.doc(operationId="replaceBoard")
        @auth.login_required
        @blp.arguments(BoardUpdate())
        @blp.response(200, BoardOut)
        @blp.doc(parameters=[IF_MATCH_PARAMETER])
        @documented_errors(blp, 401, 403, 404, 412)
        def put(self, changes, board_id):
            """Replace title and content: the author or an admin."""
            return change_board(board_id, changes)

        @blp.doc(operationId="updateBoard")
        @auth.login_required
        @blp.arguments(BoardPatch())
        @blp.response(200, BoardOut)
        @blp.doc(parameters=[IF_MATCH_PARAMETER])
        @documented_errors(blp, 401, 403, 404, 412)
        def patch(self, changes, board_id):
            """Change the title or the content: the author or an admin."""
            return change_board(board_id, changes)

        @blp.doc(operationId="deleteBoard")
        @auth.login_required
        @blp.response(204)
        @blp.doc(parameters=[IF_MATCH_PARAMETER])
        @documented_errors(blp, 401, 403, 404, 412)
        def delete(self, board_id):
            """Delete a board: the author or an admin."""
            board = get_board(board_id)
            expected_updated_at = expected_version(board)
            # The author's board count moves inside this DELETE (a trigger: schema.sql).
            cursor = mysql.execute(DELETE_BOARD, id=board_id, expected_updated_at=expected_updated_at)
            check_written(cursor, expected_updated_at)

    # GET /users/<id>/boards: one author's boards. It lives here because it is a board list:
    # the same query, schema and pagination as GET /boards?user_id=.
    @blp.route("/users/<int:user_id>/boards")
    class UserBoards(MethodView):
        @blp.doc(operationId="listUserBoards")
        @auth.login_required
        @blp.arguments(PageArgs(), location="query")
        @blp.response(200, BoardOut(many=True), headers=LINK_HEADER)
        @documented_errors(blp, 401, 404)
        def get(self, page, user_id):
            """One user's boards, newest first (404 when there is no such user)."""
            boards, headers = boards_page(page, user_id)
            # Only an empty page needs to tell "no boards" from "no such user".
            if not boards and mysql.fetch_one(USER_BY_ID, id=user_id) is None:
                abort(404, message="No such user.")
            return boards, headers

    return blp
