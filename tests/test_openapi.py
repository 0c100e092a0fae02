"""/openapi.json documents every operation, its errors and the basicAuth and bearerAuth schemes."""

import re

import pytest

OPERATIONS = [
    ("/users", "post"), ("/users", "get"), ("/users/me", "get"),
    ("/users/{user_id}", "get"), ("/users/{user_id}", "put"), ("/users/{user_id}", "patch"),
    ("/users/{user_id}", "delete"), ("/users/{user_id}/boards", "get"),
    ("/boards", "get"), ("/boards", "post"), ("/boards/{board_id}", "get"), ("/boards/{board_id}", "put"),
    ("/boards/{board_id}", "patch"), ("/boards/{board_id}", "delete"), ("/health", "get"),
    ("/boards/{board_id}/comments", "get"), ("/boards/{board_id}/comments", "post"),
    ("/comments/{comment_id}", "get"), ("/comments/{comment_id}", "patch"),
    ("/comments/{comment_id}", "delete"),
    ("/tokens", "post"), ("/tokens", "get"), ("/tokens", "delete"), ("/tokens/current", "delete"),
    ("/tokens/{token_id}", "delete"),
    ("/users/{user_id}/follow", "post"), ("/users/{user_id}/follow", "delete"),
    ("/users/{user_id}/followers", "get"), ("/users/{user_id}/following", "get"),
    ("/profiles/{name}", "get"), ("/feed", "get"),
]
PUBLIC = {("/users", "post"), ("/health", "get")}
# A token cannot mint tokens, and only a token can log itself out.
BASIC_ONLY = {("/tokens", "post")}
TOKEN_ONLY = {("/tokens/current", "delete")}


@pytest.fixture
def spec(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json


def test_it_is_openapi_3_with_basic_and_bearer_auth(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["basicAuth"] == {
        "type": "http", "scheme": "basic", "description": "Your account's email (any case) and password."}
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": "A token from POST /tokens; it stops working when it expires or is revoked."}
    # Either one: every protected operation takes a password or a token.
    assert spec["security"] == [{"basicAuth": []}, {"bearerAuth": []}]


def test_every_operation_is_documented(spec):
    documented = {(path, method) for path, item in spec["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize("path, method", [operation for operation in OPERATIONS if operation not in PUBLIC])
def test_each_protected_operation_answers_401_without_credentials(client, path, method):
    # A blueprint may protect all its routes (Auth.require_for) or each route its own
    # (login_required, or a read that signs its caller in): none may be left open.
    response = client.open(re.sub(r"\{\w+\}", "1", path), method=method.upper(), json={})
    assert response.status_code == 401


@pytest.mark.parametrize("path, method", OPERATIONS)
def test_each_operation_has_its_errors_and_security(spec, path, method):
    operation = spec["paths"][path][method]
    assert operation["summary"]
    assert "default" in operation["responses"]
    if (path, method) in PUBLIC:
        assert operation["security"] == []
    elif (path, method) in BASIC_ONLY:
        assert operation["security"] == [{"basicAuth": []}]
        assert "401" in operation["responses"]
    elif (path, method) in TOKEN_ONLY:
        assert operation["security"] == [{"bearerAuth": []}]
        assert "401" in operation["responses"]
    else:
        assert "security" not in operation
        assert "401" in operation["responses"]


def test_writes_document_if_match_and_412(spec):
    for path in ("/users/{user_id}", "/boards/{board_id}"):
        for method in ("put", "patch", "delete"):
            operation = spec["paths"][path][method]
            assert "412" in operation["responses"] and "403" in operation["responses"]
            assert any(p["name"] == "If-Match" for p in operation["parameters"])


def test_comment_writes_document_if_match_and_412(spec):
    for method in ("patch", "delete"):
        operation = spec["paths"]["/comments/{comment_id}"][method]
        assert "412" in operation["responses"] and "403" in operation["responses"]
        assert any(p["name"] == "If-Match" for p in operation["parameters"])


def test_comment_operations_have_their_names(spec):
    names = {(path, method): spec["paths"][path][method]["operationId"]
             for path, method in OPERATIONS if "comments" in path}
    assert names == {
        ("/boards/{board_id}/comments", "get"): "listComments",
        ("/boards/{board_id}/comments", "post"): "createComment",
        ("/comments/{comment_id}", "get"): "getComment",
        ("/comments/{comment_id}", "patch"): "updateComment",
        ("/comments/{comment_id}", "delete"): "deleteComment",
    }


def test_follow_profile_and_feed_operations_have_their_names(spec):
    names = {(path, method): spec["paths"][path][method]["operationId"]
             for path, method in OPERATIONS if "follow" in path or path in ("/profiles/{name}", "/feed")}
    assert names == {
        ("/users/{user_id}/follow", "post"): "followUser",
        ("/users/{user_id}/follow", "delete"): "unfollowUser",
        ("/users/{user_id}/followers", "get"): "listFollowers",
        ("/users/{user_id}/following", "get"): "listFollowing",
        ("/profiles/{name}", "get"): "getProfile",
        ("/feed", "get"): "getFeed",
    }


def test_lists_document_limit_cursor_and_link(spec):
    for path in ("/users", "/boards", "/users/{user_id}/boards", "/boards/{board_id}/comments",
                 "/users/{user_id}/followers", "/users/{user_id}/following", "/feed"):
        operation = spec["paths"][path]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"limit", "cursor"} <= names
        assert "Link" in operation["responses"]["200"]["headers"]


def test_sign_up_documents_the_fields_it_accepts(spec):
    schema = spec["components"]["schemas"]["UserCreate"]
    assert set(schema["properties"]) == {"name", "email", "password"}
    assert schema["additionalProperties"] is False


def test_every_operation_has_a_unique_readable_operation_id(spec):
    """Clients generated from the document get functions named like listBoards, not get_boards_board_id."""
    operation_ids = [operation.get("operationId") for item in spec["paths"].values()
                     for method, operation in item.items() if method in ("get", "post", "put", "patch", "delete")]
    assert all(operation_id and re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", operation_id)
               for operation_id in operation_ids), operation_ids
    assert len(set(operation_ids)) == len(operation_ids)


def test_each_operation_is_the_view_function_named_for_its_operation_id(app, spec):
    """getBoard is get_board: a reader finds an operation's code by its operationId."""
    views = {}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            views[path, method.lower()] = rule.endpoint.rpartition(".")[2]
    for path, method in OPERATIONS:
        operation_id = spec["paths"][path][method]["operationId"]
        assert views[path, method] == re.sub(r"([A-Z])", r"_\1", operation_id).lower(), (path, method)
