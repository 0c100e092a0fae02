"""Keyset pagination: the cursor, one page's fetch, and the Link header to the next page."""

import base64
import binascii
from urllib.parse import quote, urlencode

from flask import request
from marshmallow import ValidationError, fields

# Which way a list runs from the last id of the previous page, written into its cursors.
BEFORE = "before:"  # newest first: the next page holds the smaller ids
AFTER = "after:"  # oldest first (a board's comments): the next page holds the larger ids

# Where each direction's loaded cursor lands in the page arguments, and the name the page
# query gives that parameter.
CURSOR_ATTRIBUTES = {BEFORE: "before_id", AFTER: "after_id"}


class Cursor(fields.String):
    """An opaque cursor naming the last id of the previous page; loads as that id.

    A list reads only the cursors of its own direction: any other value is invalid (422).
    An empty cursor (`?cursor=`) is the first page, as no cursor is.
    """

    def __init__(self, direction=BEFORE, **kwargs):
        super().__init__(attribute=CURSOR_ATTRIBUTES[direction], load_default=None, **kwargs)
        self.direction = direction

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return None
        try:
            decoded = base64.urlsafe_b64decode(text.encode("ascii")).decode("ascii")
        except (UnicodeError, binascii.Error):
            raise ValidationError("Not a valid cursor.") from None
        before, _, last_id = decoded.partition(self.direction)
        if before or not last_id.isdigit() or int(last_id) < 1:
            raise ValidationError("Not a valid cursor.")
        return int(last_id)


def encode_cursor(last_id, direction=BEFORE):
    return base64.urlsafe_b64encode(f"{direction}{last_id}".encode("ascii")).decode("ascii")


def fetch_page(mysql, query, page, direction=BEFORE, key="id", parent=None, **params):
    """Run a page query and return (rows, headers): one page and the Link to the next.

    `page` holds the loaded page arguments (limit, the cursor's id, a filter such as
    user_id). The query takes :limit, :before_id or :after_id, and `params`; it is asked for
    one row more than the page holds, which only tells that a next page exists. `key` names
    the column the query pages by (a list of followers pages by the follow's id).

    `parent` makes it the list of one parent's items (a user's boards, a board's comments):
    (the parent's query by :id, the 404 message, the parent's id). Only an empty page runs
    that query, as it alone cannot tell "no items" from "no such parent".
    """
    cursor_attribute = CURSOR_ATTRIBUTES[direction]
    limit = page["limit"]
    rows = mysql.fetch_all(query, **params, **{cursor_attribute: page[cursor_attribute]}, limit=limit + 1)
    if not rows and parent:
        parent_query, message, parent_id = parent
        mysql.fetch_one_or_404(parent_query, message, id=parent_id)
    if len(rows) <= limit:
        return rows, {}
    rows = rows[:limit]
    return rows, {"Link": f'<{next_page_url(page, cursor_attribute, encode_cursor(rows[-1][key], direction))}>; rel="next"'}


def next_page_url(page, cursor_attribute, cursor):
    """This path with the operation's own arguments and the next cursor, nothing else.

    Built from what the schema loaded, never from the raw query string: a parameter the
    operation does not take is not carried on, and none can reach url_for's own arguments.
    """
    query = {name: value for name, value in page.items() if name != cursor_attribute and value is not None}
    query["cursor"] = cursor
    # A URI, as a Link header wants: request.base_url is the same URL turned into an IRI
    # (its escapes decoded for display), at twice the cost of a page's whole link. Its parts
    # are read from the request itself, not four times through Flask's proxy (bench/README.md).
    req = request._get_current_object()
    return f"{req.scheme}://{req.host}{quote(req.root_path + req.path)}?{urlencode(query)}"


LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 link to the next page, rel="next"; absent on the last page.',
        "schema": {"type": "string"},
    }
}
