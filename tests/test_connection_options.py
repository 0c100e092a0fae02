"""MYSQL_CUSTOM_OPTIONS: an operator's connection options add to oz's own, never replace them."""

from datetime import datetime
from decimal import Decimal

from flask import Flask
from MySQLdb.constants import CLIENT, FIELD_TYPE

from core.db import PersistentMySQL, datetime_literal, datetime_or_none

OPERATOR_OPTIONS = {
    "init_command": "SET @set_by = 'the operator'",
    "client_flag": CLIENT.MULTI_STATEMENTS,
    "conv": {FIELD_TYPE.NEWDECIMAL: float},
    "read_timeout": 7,
}


def test_an_operators_options_add_to_the_session_setup_found_rows_converters_and_timeouts(app_config, app, alice):
    flask_app = Flask(__name__)
    flask_app.config.update(app_config, MYSQL_CUSTOM_OPTIONS=OPERATOR_OPTIONS)
    mysql = PersistentMySQL(flask_app)
    with flask_app.app_context():
        # oz's init_command (UTC, strict mode) ran, and then the operator's.
        session = mysql.fetch_one("SELECT @@session.time_zone AS time_zone, @@session.sql_mode AS sql_mode, "
                                  "@set_by AS set_by, 1.5 AS number")
        # FOUND_ROWS: an UPDATE that changes nothing still counts the row it matched.
        matched = mysql.execute("UPDATE users SET name = name WHERE id = %(id)s", id=alice.id).rowcount
        # The operator's flag too: two statements in one, both run, and the connection
        # still takes the next statement.
        mysql.execute("SET @first = 1; SET @second = 2")
        second = mysql.fetch_one("SELECT @second AS value")["value"]
        converter = mysql.connection.converter[FIELD_TYPE.DATETIME]
        encoder = mysql.connection.encoders[datetime]
    assert session["time_zone"] == "+00:00" and "STRICT_ALL_TABLES" in session["sql_mode"]
    assert session["set_by"] == "the operator"
    assert matched == 1 and second == 2
    # oz's converters for datetimes, the operator's for decimals.
    assert converter is datetime_or_none and encoder is datetime_literal
    assert session["number"] == 1.5 and not isinstance(session["number"], Decimal)
    options = flask_app.config["MYSQL_CUSTOM_OPTIONS"]
    assert options["read_timeout"] == 7 and options["write_timeout"] == flask_app.config["MYSQL_QUERY_TIMEOUT"]
