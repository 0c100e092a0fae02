"""The MySQL connection kept per thread, transactions, the sql/ loader and the fetch helpers."""

import logging
import random
import select
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import flask_mysqldb
import MySQLdb
import orjson
from flask_smorest import abort
from MySQLdb.constants import CLIENT, CR, ER, FIELD_TYPE
from MySQLdb.converters import conversions
from MySQLdb.times import DateTime2literal, DateTime_or_None

log = logging.getLogger(__name__)

REPOSITORY = Path(__file__).resolve().parent.parent
SQL_DIR = REPOSITORY / "sql"

# Seconds a statement may wait for the server: a server that hangs (rather than refusing
# connections) gives a 503, not a request that never ends.
DEFAULT_QUERY_TIMEOUT = 10

# How often a transaction (or a statement outside one) runs before its deadlock reaches the
# client (as 409), or a Galera node that is not ready (as 503).
TRANSACTION_ATTEMPTS = 5

# Errors after which the connection is still good: the server rolled the transaction back.
ROLLED_BACK_ERRORS = {ER.LOCK_DEADLOCK, ER.LOCK_WAIT_TIMEOUT}

# Galera's 1047, "WSREP has not yet prepared node for application use": the node is not part
# of the cluster's primary component (cut off, or still joining) and refused the statement
# without running it. HAProxy stops routing to such a node within about a second.
NODE_NOT_READY = ER.UNKNOWN_COM_ERROR

# Errors after which the same work can simply run again, on a fresh connection for 1047:
# nothing of it was written.
RETRIED_ERRORS = {ER.LOCK_DEADLOCK, NODE_NOT_READY}

# The connection is gone (2006, 2013, 2055): a server restart, a network cut, a statement
# that outlasted MYSQL_QUERY_TIMEOUT, HAProxy cutting the sessions of a node it took out. The
# server ends the session and rolls back the transaction that was open on it, if it had not
# committed it yet.
CONNECTION_LOST_ERRORS = {CR.SERVER_GONE_ERROR, CR.SERVER_LOST, CR.SERVER_LOST_EXTENDED}


def may_run_again(error, committing, lost_before):
    """Whether a failed transaction may run again from BEGIN, on a new connection if need be.

    - 1213 and 1047, at any statement, COMMIT included: the transaction was rolled back, or
      the statement refused without running; nothing of it was written.
    - A lost connection before COMMIT was sent: the server cannot have committed, and rolls
      back what it ran. Once only: a second loss in a row means the database is going away,
      or too slow to answer within MYSQL_QUERY_TIMEOUT, and more attempts would only keep the
      client waiting.
    - Never a connection lost during COMMIT: the server may have committed before its answer
      was lost, and the work would then be written twice. That is a 503 (core/errors.py), whose
      write is in the database wholly or not at all.
    """
    if error.args[0] in RETRIED_ERRORS:
        return True
    return error.args[0] in CONNECTION_LOST_ERRORS and not committing and not lost_before


def pause_before_retry(error, attempt):
    """A short random pause before another attempt, longer each time.

    Deadlock victims only need to spread out; a node that is not ready needs HAProxy to
    notice (cluster/haproxy.cfg.template), so those attempts spread over about a second.
    """
    scale = 0.1 if error.args[0] == NODE_NOT_READY else 0.005
    time.sleep(random.uniform(0, scale * attempt))


def is_open(connection):
    """Whether a kept, idle connection is still open, checked without a round trip.

    Between statements the server sends nothing, so a socket with something to read means
    the server closed it (a restart, a KILL, wait_timeout): it says so and hangs up.
    """
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    return not poller.poll(0)


def datetime_or_none(text):
    """A DATETIME value read by the datetime module's C parser.

    MySQLdb's own parser is Python code: reading the two timestamps of each row of a page
    of boards cost more than anything else oz does with the page.
    """
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return DateTime_or_None(text)  # what fromisoformat refuses, such as a zero date


def datetime_literal(value, conversions):
    """A datetime parameter as SQL text: '2026-11-24T22:31:46.123456', written by orjson.

    MySQLdb's own formatter builds a format string and reads the fields one by one in Python
    each time, and datetime.isoformat formats each field through C's printf: they were the
    largest part of sending a token's sign-in query, and of every write that stamps a time.
    MySQL reads the T between date and time as it reads a space. A naive datetime (oz's,
    from utc_now) is written as it is; one with a time zone, as MySQLdb writes it.
    """
    if value.tzinfo is not None:
        return DateTime2literal(value, conversions)
    return b"'" + orjson.dumps(value)[1:-1] + b"'"


# What utc_now counts from: naive, as MySQL's DATETIME columns are, and UTC.
EPOCH = datetime(1970, 1, 1)

CONVERSIONS = {**conversions, FIELD_TYPE.DATETIME: datetime_or_none, FIELD_TYPE.TIMESTAMP: datetime_or_none,
               datetime: datetime_literal}


def utc_now():
    """The current UTC time as MySQL stores it (naive, microseconds).

    The epoch plus the seconds since it, as the datetime documentation spells out
    utcfromtimestamp: datetime.now(timezone.utc).replace(tzinfo=None) gives the same time
    for more than half again the cost, most of it in replace() (bench/README.md).
    """
    return EPOCH + timedelta(seconds=time.time())


def load_sql(name):
    """Return the text of sql/<name>.sql; called at import so a missing file fails start-up."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


SESSION_SETUP = load_sql("service/session_setup")


class Statement(NamedTuple):
    """A statement's answer: its rows (dicts), and for a write the rows it matched and its new id."""

    rows: tuple
    rowcount: int
    lastrowid: int


def send_statement(connection, query, params):
    """Run one statement on `connection` and read its whole answer.

    These are MySQLdb's documented low-level calls (its user guide, "MySQLdb._mysql"), made
    as its cursor makes them: each parameter written into the text as a SQL literal by the
    connection's `literal`, then `query`, `store_result` and `fetch_row`. The cursor also
    builds, for every statement, a description of each column and reads the warning count,
    which oz never looks at; that was half the client's work per statement (bench/README.md).
    """
    encoding = connection.encoding
    literals = {name.encode(encoding): connection.literal(value) for name, value in params.items()}
    connection.query(query.encode(encoding) % literals)
    result = connection.store_result()
    statement = Statement(result.fetch_row(0, 1) if result is not None else (), connection.affected_rows(),
                          connection.insert_id())
    # Several statements in one text, where an operator's client flag allows them
    # (MYSQL_CUSTOM_OPTIONS): the answer is the first one's, and the others' are read out,
    # as the cursor does before its next statement, so that the connection stays usable.
    while connection.next_result() == 0:
        connection.discard_result()
    return statement


class ThreadState(threading.local):
    """What each thread keeps: its connection, and the transaction running on it, if any."""

    connection = None
    transaction = None


def connection_options(config):
    """oz's connection options, merged with those an operator gives in MYSQL_CUSTOM_OPTIONS.

    The operator's win, except where oz needs its own: their client flags are added to
    FOUND_ROWS (an UPDATE's rowcount counts matched rows, so 0 means "no such row"), their
    converters to oz's, and their init_command runs after oz's session setup
    (PersistentMySQL.connect).
    """
    given = config["MYSQL_CUSTOM_OPTIONS"] or {}
    return {
        "read_timeout": config["MYSQL_QUERY_TIMEOUT"],
        "write_timeout": config["MYSQL_QUERY_TIMEOUT"],
        **given,
        "init_command": SESSION_SETUP,
        "client_flag": CLIENT.FOUND_ROWS | given.get("client_flag", 0),
        "conv": {**CONVERSIONS, **given.get("conv", {})},
    }


class PersistentMySQL(flask_mysqldb.MySQL):
    """flask-mysqldb, keeping one connection per thread open across requests.

    flask-mysqldb connects on every request, which costs more than the query itself.
    Connections run in autocommit mode, so a request never leaves a transaction (and its
    snapshot) open on the connection it hands back.
    """

    def __init__(self, app=None):
        self._local = ThreadState()
        super().__init__(app)

    def init_app(self, app):
        app.config.setdefault("MYSQL_CHARSET", "utf8mb4")
        app.config.setdefault("MYSQL_CURSORCLASS", "DictCursor")
        app.config.setdefault("MYSQL_AUTOCOMMIT", True)
        app.config.setdefault("MYSQL_QUERY_TIMEOUT", DEFAULT_QUERY_TIMEOUT)
        app.config.setdefault("MYSQL_CUSTOM_OPTIONS", None)
        # oz's own init_command takes the option's place; the operator's runs after it (connect).
        self.operator_init_command = (app.config["MYSQL_CUSTOM_OPTIONS"] or {}).get("init_command")
        app.config["MYSQL_CUSTOM_OPTIONS"] = connection_options(app.config)
        super().init_app(app)

    @property
    def connect(self):
        """A new connection, set up by oz's init_command, then by the operator's if given."""
        connection = super().connect
        if self.operator_init_command:
            connection.cursor().execute(self.operator_init_command)
        return connection

    @property
    def connection(self):
        """This thread's connection: the one kept from earlier requests while it is open.

        Only between transactions: inside one, its statements keep to the connection it began
        on (_run), since a new one would run them outside the transaction, in autocommit.
        """
        if self._local.connection is not None and not is_open(self._local.connection):
            self.discard_connection()
        if self._local.connection is None:
            self._local.connection = self.connect
        return self._local.connection

    def teardown(self, exception):
        """Nothing to close at the end of a request: the connection is kept for the next."""

    def discard_connection(self):
        """Close this thread's connection, so the next statement opens a fresh one."""
        connection, self._local.connection = self._local.connection, None
        if connection is not None:
            try:
                connection.close()
            except MySQLdb.Error:
                pass  # it is being discarded because it is already broken

    def _run(self, query, params):
        """Run one statement: in a transaction on its connection; outside one, retried after RETRIED_ERRORS."""
        if self._local.transaction is not None:
            # Whatever fails here, in_transaction decides what happens to the whole work.
            return send_statement(self._local.transaction, query, params)
        for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
            try:
                return send_statement(self.connection, query, params)
            except MySQLdb.OperationalError as error:
                if error.args[0] not in ROLLED_BACK_ERRORS:
                    # Lost mid-statement, or on a node that is not ready: the next statement
                    # starts on a fresh connection (through HAProxy, to a node that is). A
                    # lost statement is not repeated: it may have been committed.
                    self.discard_connection()
                if error.args[0] not in RETRIED_ERRORS or attempt == TRANSACTION_ATTEMPTS:
                    raise
                pause_before_retry(error, attempt)

    def in_transaction(self, work):
        """Run work() as one transaction on one connection and return what it returns.

        work() runs its statements with fetch_one/fetch_all/execute, and they commit together
        or not at all. When may_run_again() says that nothing of it can have been written (a
        deadlock, a Galera node that is not ready, a connection lost before COMMIT), work()
        runs again from BEGIN, on a new connection if the old one is gone, after a short
        random pause, up to TRANSACTION_ATTEMPTS times. work() must therefore only read and
        write the database, and decide again from what it reads each time.
        """
        lost_before = False
        for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
            connection = self._local.transaction = self.connection
            committing = False
            try:
                connection.begin()
                result = work()
                if not is_open(connection):
                    # Closed since the last statement, so the server rolled the transaction back.
                    raise MySQLdb.OperationalError(CR.SERVER_GONE_ERROR, "connection closed before COMMIT")
                committing = True
                connection.commit()
                return result
            except MySQLdb.OperationalError as error:
                self._end_failed_transaction(connection, error)
                if not may_run_again(error, committing, lost_before) or attempt == TRANSACTION_ATTEMPTS:
                    raise
                if error.args[0] in CONNECTION_LOST_ERRORS:
                    log.warning("connection lost before COMMIT, the transaction runs again: %s", error)
                    lost_before = True
                pause_before_retry(error, attempt)
            except BaseException:
                self._end_failed_transaction(connection)
                raise
            finally:
                self._local.transaction = None

    def _end_failed_transaction(self, connection, error=None):
        """Roll back a failed transaction; a connection that failed with it is discarded instead."""
        if error is not None and error.args[0] not in ROLLED_BACK_ERRORS:
            self.discard_connection()  # lost, or its node is not ready: nothing to roll back there
            return
        try:
            connection.rollback()
        except MySQLdb.OperationalError:
            # Lost since its last statement: the server rolls the transaction back itself.
            self.discard_connection()

    def fetch_one(self, query, **params):
        """Run a query and return its first row as a dict, or None."""
        rows = self._run(query, params).rows
        return rows[0] if rows else None

    def fetch_one_or_404(self, query, message, **params):
        """Run a query for one row and return it as a dict; no row answers 404 with `message`."""
        row = self.fetch_one(query, **params)
        if row is None:
            abort(404, message=message)
        return row

    def fetch_all(self, query, **params):
        """Run a query and return all its rows as dicts."""
        return list(self._run(query, params).rows)

    def execute(self, query, **params):
        """Run a write and return its Statement (for rowcount and lastrowid)."""
        return self._run(query, params)


SCHEMA_FILE = REPOSITORY / "schema.sql"
SCHEMA_DATABASE_NAME = "`oz`"


def open_connection(config, database=None, **options):
    """A connection of its own to the configured server, for commands rather than requests."""
    return MySQLdb.connect(
        host=config["MYSQL_HOST"],
        port=config["MYSQL_PORT"],
        user=config["MYSQL_USER"],
        password=config["MYSQL_PASSWORD"],
        connect_timeout=config["MYSQL_CONNECT_TIMEOUT"],
        charset="utf8mb4",
        autocommit=True,
        init_command=SESSION_SETUP,
        **({"database": database} if database else {}),
        **options,
    )


def load_schema(config, schema_file=SCHEMA_FILE):
    """Run schema.sql on the configured server, naming the database MYSQL_DB.

    schema.sql is written for people (it creates `oz`); only the database name is adapted,
    for a server shared with other databases such as a test run's.
    """
    database = config["MYSQL_DB"]
    if not database.replace("_", "").isalnum():
        raise ValueError(f"MYSQL_DB must be letters, digits and underscores: {database!r}")
    script = Path(schema_file).read_text(encoding="utf-8").replace(SCHEMA_DATABASE_NAME, f"`{database}`")
    connection = open_connection(config, client_flag=CLIENT.MULTI_STATEMENTS)
    try:
        cursor = connection.cursor()
        cursor.execute(script)
        while cursor.nextset():
            pass
    finally:
        connection.close()
