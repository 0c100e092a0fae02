"""The MySQL connection kept per thread, transactions, the sql/ loader and the fetch helpers."""

import random
import select
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import flask_mysqldb
import MySQLdb
from MySQLdb.constants import CLIENT, ER, FIELD_TYPE
from MySQLdb.converters import conversions
from MySQLdb.times import DateTime2literal, DateTime_or_None
from flask_smorest import abort

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
    """A datetime parameter as SQL text, written by isoformat in C.

    MySQLdb's own formatter builds a format string and reads the fields one by one in Python
    each time: it was the largest part of sending a token's sign-in query, and of every write
    that stamps a time. A naive datetime (oz's, from utc_now) gives the same text.
    """
    if value.tzinfo is not None:
        return DateTime2literal(value, conversions)
    return b"'" + value.isoformat(" ").encode() + b"'"


CONVERSIONS = {**conversions, FIELD_TYPE.DATETIME: datetime_or_none, FIELD_TYPE.TIMESTAMP: datetime_or_none,
               datetime: datetime_literal}


def utc_now():
    """The current UTC time as MySQL stores it (naive, microseconds)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def load_sql(name):
    """Return the text of sql/<name>.sql; called at import so a missing file fails start-up."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


SESSION_SETUP = load_sql("service/session_setup")


class PersistentMySQL(flask_mysqldb.MySQL):
    """flask-mysqldb, keeping one connection per thread open across requests.

    flask-mysqldb connects on every request, which costs more than the query itself.
    Connections run in autocommit mode, so a request never leaves a transaction (and its
    snapshot) open on the connection it hands back.
    """

    def __init__(self, app=None):
        self._local = threading.local()
        super().__init__(app)

    def init_app(self, app):
        app.config.setdefault("MYSQL_CHARSET", "utf8mb4")
        app.config.setdefault("MYSQL_CURSORCLASS", "DictCursor")
        app.config.setdefault("MYSQL_AUTOCOMMIT", True)
        app.config.setdefault("MYSQL_QUERY_TIMEOUT", DEFAULT_QUERY_TIMEOUT)
        app.config.setdefault(
            "MYSQL_CUSTOM_OPTIONS",
            # FOUND_ROWS: an UPDATE's rowcount counts matched rows, so 0 means "no such row".
            {"init_command": SESSION_SETUP, "client_flag": CLIENT.FOUND_ROWS, "conv": CONVERSIONS,
             "read_timeout": app.config["MYSQL_QUERY_TIMEOUT"],
             "write_timeout": app.config["MYSQL_QUERY_TIMEOUT"]},
        )
        super().init_app(app)

    @property
    def connection(self):
        """This thread's connection: the one kept from earlier requests while it is open."""
        connection = getattr(self._local, "connection", None)
        if connection is not None and not is_open(connection):
            self.discard_connection()
            connection = None
        if connection is None:
            connection = self._local.connection = self.connect
        return connection

    def teardown(self, exception):
        """Nothing to close at the end of a request: the connection is kept for the next."""

    def discard_connection(self):
        """Close this thread's connection, so the next statement opens a fresh one."""
        connection, self._local.connection = getattr(self._local, "connection", None), None
        if connection is not None:
            try:
                connection.close()
            except MySQLdb.Error:
                pass  # it is being discarded because it is already broken

    def _run(self, query, params):
        """Run one statement; outside a transaction, run it again after a RETRIED_ERRORS error."""
        # In a transaction, in_transaction() runs the whole work again instead.
        attempts = 1 if getattr(self._local, "in_transaction", False) else TRANSACTION_ATTEMPTS
        for attempt in range(1, attempts + 1):
            try:
                cursor = self.connection.cursor()
                cursor.execute(query, params)
                return cursor
            except MySQLdb.OperationalError as error:
                if error.args[0] not in ROLLED_BACK_ERRORS:
                    # Lost mid-statement, or on a node that is not ready: the next statement
                    # starts on a fresh connection (through HAProxy, to a node that is).
                    self.discard_connection()
                if error.args[0] not in RETRIED_ERRORS or attempt == attempts:
                    raise
                pause_before_retry(error, attempt)

    def in_transaction(self, work):
        """Run work() as one transaction and return what it returns; retry a deadlock victim.

        work() runs its statements with fetch_one/fetch_all/execute, and they commit together
        or not at all. A deadlock (1213; on Galera also a write that lost to another node's at
        COMMIT) rolls the whole transaction back, and so does a Galera node that is not ready
        (1047), so work() runs again from the start, after a short random pause, up to
        TRANSACTION_ATTEMPTS times. work() must therefore only read and write the database,
        and decide again from what it reads each time.
        """
        for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
            connection = self.connection
            self._local.in_transaction = True
            try:
                connection.begin()
                result = work()
                connection.commit()
                return result
            except MySQLdb.OperationalError as error:
                self._roll_back(connection, error)
                if error.args[0] not in RETRIED_ERRORS or attempt == TRANSACTION_ATTEMPTS:
                    raise
                pause_before_retry(error, attempt)
            except BaseException:
                self._roll_back(connection)
                raise
            finally:
                self._local.in_transaction = False

    def _roll_back(self, connection, error=None):
        """Roll back a failed transaction; a connection that failed with it is discarded instead."""
        if getattr(self._local, "connection", None) is not connection:
            return  # lost, and already discarded, mid-statement
        if error is not None and error.args[0] not in ROLLED_BACK_ERRORS:
            self.discard_connection()  # lost at BEGIN or COMMIT, or its node is not ready
        else:
            connection.rollback()

    def fetch_one(self, query, **params):
        """Run a query and return its first row as a dict, or None."""
        return self._run(query, params).fetchone()

    def fetch_one_or_404(self, query, message, **params):
        """Run a query for one row and return it as a dict; no row answers 404 with `message`."""
        row = self.fetch_one(query, **params)
        if row is None:
            abort(404, message=message)
        return row

    def fetch_all(self, query, **params):
        """Run a query and return all its rows as dicts."""
        return self._run(query, params).fetchall()

    def execute(self, query, **params):
        """Run a write and return its cursor (for rowcount and lastrowid)."""
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
