"""Output schemas: RowOut's dump gives exactly what marshmallow's own dump gives."""

from datetime import datetime

import pytest
from marshmallow import Schema, fields

import schemas
from core.framework import utc_text
from schemas import RowOut

WHEN = datetime(2026, 12, 4, 18, 40, 12, 123456)
SAMPLE_VALUES = {fields.Integer: 7, fields.String: "text 🦊", fields.Boolean: True, schemas.UtcDateTime: WHEN}
ROW_SCHEMAS = [schema for schema in vars(schemas).values()
               if isinstance(schema, type) and issubclass(schema, RowOut) and schema is not RowOut]


def sample_row(schema):
    return {name: SAMPLE_VALUES[type(field)] for name, field in schema.dump_fields.items()}


@pytest.mark.parametrize("schema_class", ROW_SCHEMAS, ids=lambda schema: schema.__name__)
def test_a_row_dumps_as_marshmallow_dumps_it(schema_class):
    schema = schema_class()
    row = sample_row(schema)
    assert schema.dump(row) == Schema.dump(schema, row)
    rows = [row, {**row, "not a field": 1}]
    assert schema.dump(rows, many=True) == Schema.dump(schema, rows, many=True)
    assert schema_class(many=True).dump(rows) == Schema.dump(schema_class(many=True), rows)


def test_a_missing_key_is_left_out_as_marshmallow_does():
    schema = schemas.UserOut()
    row = sample_row(schema)
    del row["email"]
    assert schema.dump(row) == Schema.dump(schema, row) and "email" not in schema.dump(row)


@pytest.mark.parametrize("field", [fields.String(data_key="other"), fields.String(attribute="other"),
                                   fields.String(dump_default="x"), fields.Float()])
def test_a_field_rowout_cannot_dump_fails_when_the_schema_is_made(field):
    class Odd(RowOut):
        odd = field

    with pytest.raises(TypeError, match="Odd.odd"):
        Odd()


@pytest.mark.parametrize("when", [WHEN, WHEN.replace(microsecond=0), WHEN.replace(microsecond=1000),
                                  datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)],
                         ids=str)
def test_a_timestamp_is_written_as_isoformat_writes_it_with_a_z(when):
    assert utc_text(when) == when.isoformat() + "Z"
    assert schemas.UserOut().dump({"updated_at": when})["updated_at"] == when.isoformat() + "Z"


@pytest.mark.parametrize("value", [None, "2026-12-04T18:40:12Z", 7])
def test_anything_but_a_timestamp_fails_rather_than_being_written(value):
    with pytest.raises(TypeError):
        utc_text(value)
