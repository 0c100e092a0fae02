"""ETags and If-Match: a row's version is its updated_at, so a write can check it in SQL."""

from flask import request
from flask_smorest import abort
from werkzeug.http import quote_etag

from core.framework import utc_text


def etag_of(row):
    return quote_etag(utc_text(row["updated_at"]))


def etag_header(row):
    return {"ETag": etag_of(row)}


def expected_version(row):
    """The updated_at a conditional write must still find, or None without If-Match.

    Answers 412 at once when If-Match names another version; the write itself repeats the
    check (WHERE updated_at = ...) so a change made in between also ends in 412.
    """
    if not request.if_match:
        return None
    if request.if_match.star_tag or request.if_match.contains(etag_of(row).strip('"')):
        return row["updated_at"]
    abort(412, message="The resource has changed since you read it (If-Match does not match).")


def write_if_match(mysql, statement, row, **params):
    """Run an UPDATE or DELETE of `row` under the request's If-Match.

    The statement takes :expected_updated_at (NULL without If-Match) and matches no row when
    the row is not that version any more (412) or is gone (404).
    """
    expected_updated_at = expected_version(row)
    if mysql.execute(statement, expected_updated_at=expected_updated_at, **params).rowcount:
        return
    if expected_updated_at is not None:
        abort(412, message="The resource changed while you were writing (If-Match does not match).")
    abort(404, message="The resource was deleted meanwhile.")


IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag from a GET; the write happens only if it still matches (else 412).",
}
ETAG_HEADER = {"ETag": {"description": "The version of the resource, for If-Match.", "schema": {"type": "string"}}}
