"""Keyset pagination: the cursor, and the Link header that leads to the next page."""

import base64
import binascii

from flask import request, url_for
from marshmallow import ValidationError, fields

# Which way a list runs from the last id of the previous page, written into its cursors.
BEFORE = "before:"  # newest first: the next page holds the smaller ids
AFTER = "after:"  # oldest first (a board's comments): the next page holds the larger ids


class Cursor(fields.String):
    """An opaque cursor naming the last id of the previous page; loads as that id.

    A list reads only the cursors of its own direction: any other value is invalid (422).
    """

    def __init__(self, direction=BEFORE, **kwargs):
        super().__init__(**kwargs)
        self.direction = direction

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
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


def page_of(rows, limit, direction=BEFORE, key="id"):
    """Split a page query's rows (fetched with limit + 1) into the page and its headers.

    The extra row only tells that a next page exists; the Link header points at it and
    keeps the request's other query parameters (a filter, the limit). `direction` is the
    way the page query runs, which the next page's cursor carries on; `key` names the column
    the query pages by (a list of followers pages by the follow's id, not the user's).
    """
    if len(rows) <= limit:
        return rows, {}
    page = rows[:limit]
    query = request.args.to_dict()
    query.update(limit=limit, cursor=encode_cursor(page[-1][key], direction))
    next_url = url_for(request.endpoint, **request.view_args, **query, _external=True)
    return page, {"Link": f'<{next_url}>; rel="next"'}


LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 link to the next page, rel="next"; absent on the last page.',
        "schema": {"type": "string"},
    }
}
