"""Marshmallow schemas: what comes in, what goes out.

Input schemas are split by use, so a field that must never come in (an id, the author,
a role at sign-up) is simply not there, and marshmallow rejects it as unknown (422).
"""

from marshmallow import Schema, ValidationError, fields, missing, validate, validates_schema

from core.framework import utc_text
from core.pagination import AFTER, Cursor

ROLES = ("member", "admin")


def trimmed(*validators, **kwargs):
    """A string stripped of surrounding whitespace after it is validated.

    The validators see the text as sent, so that the maxLength of the OpenAPI document
    holds for what a client sends.
    """
    return fields.String(validate=list(validators), post_load=str.strip, **kwargs)


def not_blank(text):
    """Refuse text that trimming would leave empty."""
    if not text.strip():
        raise ValidationError("Must not be blank.")


# Documents not_blank (JSON Schema's minLength counts the spaces that trimming removes).
NOT_BLANK = {"pattern": r"\S"}


class LowercaseEmail(fields.Email):
    """An email address, trimmed and lowercased: emails are unique whatever their case."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip().lower()


class UtcDateTime(fields.DateTime):
    """A UTC timestamp written in ISO 8601 with a Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        return utc_text(value)


def name_field(**kwargs):
    return trimmed(validate.Length(1, 100), not_blank, metadata=NOT_BLANK, **kwargs)


def email_field(**kwargs):
    return LowercaseEmail(validate=validate.Length(max=255), **kwargs)


def password_field(**kwargs):
    # Not trimmed: spaces are legitimate characters of a password.
    return fields.String(validate=validate.Length(8, 128), load_only=True, **kwargs)


def title_field(**kwargs):
    return trimmed(validate.Length(1, 200), not_blank, metadata=NOT_BLANK, **kwargs)


def content_field(**kwargs):
    return trimmed(validate.Length(0, 20_000), **kwargs)


class NotEmpty(Schema):
    """A partial update must change something."""

    @validates_schema
    def require_a_field(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one field to change.")


def document_partial_updates(spec):
    """Say in the OpenAPI document that a PATCH body needs a field (apispec reads only fields)."""
    for name in ("UserPatch", "BoardPatch"):
        spec.components.schemas[name]["minProperties"] = 1


class UserCreate(Schema):
    name = name_field(required=True)
    email = email_field(required=True)
    password = password_field(required=True)


class UserUpdate(Schema):
    name = name_field(required=True)
    email = email_field(required=True)
    password = password_field()


class UserPatch(NotEmpty):
    name = name_field()
    email = email_field()
    password = password_field()
    role = fields.String(validate=validate.OneOf(ROLES),
                         metadata={"description": "Admins only; a member who sends it gets 403."})


# How RowOut writes a value of each field type: None sends it as MySQLdb hands it over
# (INT columns as int, VARCHAR and TEXT as str).
ROW_FORMATS = {fields.Integer: None, fields.String: None, fields.Boolean: bool, UtcDateTime: utc_text}


class RowOut(Schema):
    """An output schema for the dicts the routes build from SQL rows.

    marshmallow's generic dump (an accessor, a missing-value check and a format call per
    field) cost more than the query for a page of boards (bench/README.md). A row already
    holds each field under its name, most of them as JSON needs them, so this schema's
    dump (Schema's public method) reads the row directly and formats only what needs it. A
    key that is absent (a hidden email) is left out, as marshmallow does.

    It does only what these schemas need: fields of the types in ROW_FORMATS, under their
    own names, without a dump_default. A schema that uses anything else fails when it is
    made, not with wrong JSON; tests/test_schemas.py holds every RowOut to marshmallow's own
    dump, so a hook or a new marshmallow behaviour shows there.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_formats = []
        for name, field in self.dump_fields.items():
            if (type(field) not in ROW_FORMATS or field.data_key not in (None, name)
                    or field.attribute not in (None, name) or field.dump_default is not missing):
                raise TypeError(f"{type(self).__name__}.{name}: a RowOut field is one of "
                                f"{[t.__name__ for t in ROW_FORMATS]}, under its own name, with no dump_default")
            self.row_formats.append((name, ROW_FORMATS[type(field)]))

    def dump(self, obj, *, many=None):
        if self.many if many is None else many:
            return [self.dump_row(row) for row in obj]
        return self.dump_row(obj)

    def dump_row(self, row):
        dumped = {}
        for name, format_value in self.row_formats:
            if name in row:
                value = row[name]
                dumped[name] = value if format_value is None else format_value(value)
        return dumped


class UserOut(RowOut):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(metadata={"description": "Only shown to the user themself and to admins."})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class BoardCreate(Schema):
    title = title_field(required=True)
    content = content_field(load_default="")


class BoardUpdate(Schema):
    title = title_field(required=True)
    content = content_field(required=True)


class BoardPatch(NotEmpty):
    title = title_field()
    content = content_field()


class BoardOut(RowOut):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    content = fields.String(required=True)
    user_id = fields.Integer(required=True)
    author = fields.String(required=True, metadata={"description": "The author's name."})
    comments = fields.Integer(required=True, metadata={
        "description": "How many comments the board has, exact. A comment does not change "
                       "the board's updated_at or ETag: they version its title and content."})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class ProfileOut(RowOut):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    boards = fields.Integer(required=True, metadata={"description": "How many boards they wrote, exact."})
    followers = fields.Integer(required=True, metadata={"description": "How many people follow them, exact."})
    following = fields.Integer(required=True, metadata={"description": "How many people they follow, exact."})
    followed_by_me = fields.Boolean(required=True, metadata={"description": "Whether the signed-in user follows them."})


class CommentIn(Schema):
    """A new comment, or a comment's new content."""
    content = trimmed(validate.Length(1, 2000), not_blank, metadata=NOT_BLANK, required=True)


class CommentOut(RowOut):
    id = fields.Integer(required=True)
    board_id = fields.Integer(required=True)
    content = fields.String(required=True)
    user_id = fields.Integer(required=True)
    author = fields.String(required=True, metadata={"description": "The comment's author's name."})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class PageArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = Cursor(metadata={"description": "Opaque: the value from the previous page's Link header."})


class CommentPageArgs(Schema):
    """A page of comments: oldest first, so its cursor leads on to the newer ones."""
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = Cursor(AFTER, metadata={"description": "Opaque: the value from the previous page's Link header."})


class BoardPageArgs(PageArgs):
    user_id = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Only this author's boards."})


class TokenCreate(Schema):
    expires_in = fields.Integer(load_default=3600, validate=validate.Range(60, 2_592_000),
                                metadata={"description": "Seconds the token lives: 60 to 30 days; 1 hour by default."})


class TokenOut(RowOut):
    id = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(required=True)
    current = fields.Boolean(required=True, metadata={"description": "True for the token this request was sent with."})


class NewToken(Schema):
    token = fields.String(required=True, metadata={
        "description": "Send it as Authorization: Bearer <token>. Shown this once: only its hash is kept."})
    id = fields.Integer(required=True)
    expires_at = UtcDateTime(required=True)
    user = fields.Nested(UserOut, required=True)


class Health(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)
