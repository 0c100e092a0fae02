"""/feed: the boards of the people I follow, newest first."""


from core.db import load_sql
from core.framework import ApiBlueprint
from core.pagination import fetch_page
from schemas import BoardOut, PageArgs

FEED_PAGE_BY_BOARDS = load_sql("feed/page_by_boards")
FEED_PAGE_BY_FOLLOWS = load_sql("feed/page_by_follows")

# Up to this many people followed, the feed starts from the follows (its cost grows with
# what they wrote); beyond it, from the newest boards (its cost shrinks as they write a
# larger share of all boards). Why and where they cross: docs/feed.md.
FEED_FOLLOWS_DRIVEN_UP_TO = 10


def create_feed_blueprint(mysql, auth):
    blp = ApiBlueprint("feed", __name__, description="The boards of the people you follow.")
    auth.require_for(blp)

    def feed_query(me):
        """The feed's query for this reader: from their follows or from the newest boards."""
        return FEED_PAGE_BY_FOLLOWS if me["following_count"] <= FEED_FOLLOWS_DRIVEN_UP_TO else FEED_PAGE_BY_BOARDS

    # GET /feed
    @blp.route("/feed", methods=["GET"])
    @blp.keyset_list(PageArgs, BoardOut)
    def get_feed(page):
        """The boards of the people you follow, newest first ([] when you follow nobody)."""
        me = auth.current_user()
        return fetch_page(mysql, feed_query(me), page, me=me["id"])

    return blp
