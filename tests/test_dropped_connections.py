"""A connection lost inside a transaction: the write is whole or absent, and every count exact.

The app reaches the test server through a fault proxy (tests/fault_proxy.py) that cuts the
connection at one statement of the next transaction. Every write that runs a transaction
(tests/transactional_writes.py) is cut at each of its statements, from BEGIN to COMMIT, both
right after the client got the statement's answer and before it did.

What oz does about it (core/db.py, PersistentMySQL.in_transaction): a transaction cut before
its COMMIT was sent has been rolled back by the server, so it runs again on a new connection
and the request succeeds; one cut while its COMMIT was under way may or may not have
committed, so it is not run again: the request answers 503 with Retry-After, and the write
is whole in the database.
"""

from collections import Counter

import pytest

from app import create_app
from core.db import load_sql
from fault_proxy import FaultProxy
from transactional_writes import (ABSENT, WRITE_PATHS, WRITTEN, comment_outcome, miscounted, prepare_comment,
                                  send_comment)

RECOUNT_USERS = load_sql("counters/recount_users")
RECOUNT_BOARDS = load_sql("counters/recount_boards")


@pytest.fixture
def proxy(app_config):
    proxy = FaultProxy(app_config["MYSQL_HOST"], app_config["MYSQL_PORT"])
    yield proxy
    proxy.close()


@pytest.fixture
def proxied(app, app_config, proxy):
    """A client of an app that reaches the database through the proxy (`app`: empty tables first)."""
    return create_app({**app_config, "MYSQL_HOST": proxy.host, "MYSQL_PORT": proxy.port}).test_client()


def report(request, capsys, line):
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    with capsys.disabled():
        reporter.write_line(f"\noz dropped connections: {line}")


def problems_with(path, response, outcome, commit_answer_lost, miscounted_rows):
    """What is wrong with one cut write: against the contract first, then against core/db.py's choice."""
    problems = []
    if response.status_code not in (path.success, 503):
        problems.append(f"answered {response.status_code}")
    if response.status_code == 503 and not response.headers.get("Retry-After"):
        problems.append("503 without Retry-After")
    if outcome not in (WRITTEN, ABSENT):
        problems.append(outcome)
    elif response.status_code == path.success and outcome != WRITTEN:
        problems.append(f"answered {path.success} and not written")
    if miscounted_rows:
        problems.append(f"kept counts off: {miscounted_rows}")
    # core/db.py's choice: what cannot have committed runs again; a COMMIT whose answer was lost
    # may have committed, and only that answers 503.
    if response.status_code != (503 if commit_answer_lost else path.success):
        problems.append(f"answered {response.status_code} where core/db.py runs the transaction "
                        + ("no further" if commit_answer_lost else "again"))
    return problems


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda path: path.name)
def test_a_write_cut_at_any_statement_of_its_transaction_is_whole_or_absent(path, client, proxied, proxy, sql,
                                                                             request, capsys):
    state = path.prepare(client, sql)
    assert path.send(proxied, state).status_code == path.success
    statements = proxy.last_transaction_statements  # BEGIN, the work's statements, COMMIT
    outcomes, problems = Counter(), {}
    for statement in range(statements):
        for after_answer in (True, False):
            cut = f"statement {statement} of {statements}, " + ("after" if after_answer else "before") + " its answer"
            state = path.prepare(client, sql)
            drops = proxy.drops
            proxy.drop_at(statement, after_answer)
            response = path.send(proxied, state)
            proxy.disarm()
            assert proxy.drops == drops + 1, f"{cut}: the proxy did not cut it"
            outcome = path.outcome(sql, state, response)
            commit_answer_lost = statement == statements - 1 and not after_answer
            found = problems_with(path, response, outcome, commit_answer_lost, miscounted(sql))
            if found:
                problems[cut] = found
                sql(RECOUNT_USERS)  # so that the next cut's counts are its own
                sql(RECOUNT_BOARDS)
            outcomes[response.status_code, outcome] += 1
    report(request, capsys, f"{path.name}: {statements} statements, {2 * statements} cuts: "
                            + ", ".join(f"{n} x {status} {what}" for (status, what), n in sorted(outcomes.items())))
    assert problems == {}, "\n".join(f"{path.name} cut at {cut}: {'; '.join(found)}" for cut, found in problems.items())


def test_a_transaction_cut_at_every_attempt_answers_503_and_writes_nothing(client, proxied, proxy, sql):
    state = prepare_comment(client, sql)
    proxy.drop_at(1, every_transaction=True)
    response = send_comment(proxied, state)
    proxy.disarm()
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert proxy.drops >= 2, "a transaction cut before its COMMIT runs again"
    assert comment_outcome(sql, state, response) == ABSENT
    assert miscounted(sql) == []
    assert send_comment(proxied, state).status_code == 201  # and the next request succeeds
