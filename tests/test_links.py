"""The next-page link of every list (API.md, Lists and pagination), whatever the query string.

The link names the same path, the operation's own arguments and the cursor, nothing else;
no query string gets a 5xx.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from app import create_app
from conftest import next_link

# url_for's own keyword arguments, and the names of the views' arguments: a link built by
# passing the query string to url_for breaks on each of them.
HOSTILE_NAMES = ["endpoint", "_external", "_method", "_anchor", "_scheme", "values",
                 "user_id", "board_id", "name", "page", "self", "foo"]


@pytest.fixture
def lists(client, alice, bob):
    """Each list's path, holding two items so that a page of one has a next link."""
    for title in ("one", "two"):
        client.post("/boards", json={"title": title, "content": "c"}, auth=alice.auth)
    board_id = client.get("/boards", auth=alice.auth).json[0]["id"]
    for content in ("first", "second"):
        client.post(f"/boards/{board_id}/comments", json={"content": content}, auth=bob.auth)
    carol = client.post("/users", json={"name": "carol", "email": "carol@example.com",
                                        "password": "correct horse"}).json
    for follower in (bob.auth, ("carol@example.com", "correct horse")):
        client.post(f"/users/{alice.id}/follow", auth=follower)
    client.post(f"/users/{carol['id']}/follow", auth=bob.auth)
    return {
        "users": "/users",
        "boards": "/boards",
        "one author's boards (filter)": f"/boards?user_id={alice.id}",
        "one author's boards (path)": f"/users/{alice.id}/boards",
        "comments": f"/boards/{board_id}/comments",
        "followers": f"/users/{alice.id}/followers",
        "following": f"/users/{bob.id}/following",
        "feed": "/feed",
    }


def with_query(path, query):
    return f"{path}{'&' if '?' in path else '?'}{query}"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_no_query_parameter_name_breaks_a_list_or_its_link(client, bob, lists, name):
    for list_name, path in lists.items():
        url = with_query(path, f"limit=1&{name}=x")
        response = client.get(url, auth=bob.auth)
        if name == "user_id" and list_name == "boards":
            # GET /boards's own filter, and "x" is no user id.
            assert response.status_code == 422, (list_name, url, response.json)
            continue
        assert response.status_code == 200, (list_name, url, response.json)
        link = next_link(response)
        assert link is not None, (list_name, url)
        parts = urlsplit(link)
        assert parts.path == urlsplit(path).path, (list_name, link)
        assert parts.fragment == "" and "#" not in link, (list_name, link)
        assert set(parse_qs(parts.query)) <= {"limit", "cursor", "user_id"}, (list_name, link)


def test_the_link_carries_the_operations_own_arguments_and_nothing_else(client, bob, lists):
    response = client.get(with_query(lists["one author's boards (filter)"], "limit=1&foo=bar&_anchor=x"),
                          auth=bob.auth)
    query = parse_qs(urlsplit(next_link(response)).query)
    assert set(query) == {"limit", "user_id", "cursor"}
    assert query["limit"] == ["1"]
    assert int(query["user_id"][0]) == client.get("/boards", auth=bob.auth).json[0]["user_id"]


def test_the_link_leads_to_the_next_page(client, bob, lists):
    for list_name, path in lists.items():
        first = client.get(with_query(path, "limit=1&endpoint=x&_external=0"), auth=bob.auth)
        second = client.get(next_link(first), auth=bob.auth)
        assert second.status_code == 200, list_name
        assert second.json and second.json[0]["id"] != first.json[0]["id"], list_name


def test_limit_sent_twice_takes_the_first(client, bob, lists):
    for list_name, path in lists.items():
        response = client.get(with_query(path, "limit=1&limit=100"), auth=bob.auth)
        assert response.status_code == 200, list_name
        assert len(response.json) == 1, list_name
        assert parse_qs(urlsplit(next_link(response)).query)["limit"] == ["1"], list_name


def test_an_empty_cursor_is_the_first_page(client, bob, lists):
    for list_name, path in lists.items():
        first = client.get(with_query(path, "limit=1"), auth=bob.auth)
        response = client.get(with_query(path, "limit=1&cursor="), auth=bob.auth)
        assert response.status_code == 200, list_name
        assert response.json == first.json, list_name
        assert next_link(response) == next_link(first), list_name


def test_behind_a_trusted_proxy_links_use_the_clients_scheme_and_host(app_config, client, bob, lists):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "oz.example.org", "X-Forwarded-For": "203.0.113.7"}
    trusting = create_app({**app_config, "OZ_TRUST_PROXY": True}).test_client()
    link = next_link(trusting.get("/boards?limit=1", auth=bob.auth, headers=forwarded))
    assert link.startswith("https://oz.example.org/boards?")
    untrusting = next_link(client.get("/boards?limit=1", auth=bob.auth, headers=forwarded))
    assert untrusting.startswith("http://localhost/boards?")


def test_under_a_path_prefix_links_keep_it(client, bob, lists):
    # An app mounted at /api (SCRIPT_NAME, as a WSGI server or proxy sets it) links within /api.
    response = client.get("/boards?limit=1", auth=bob.auth, base_url="http://localhost/api")
    link = next_link(response)
    assert link.startswith("http://localhost/api/boards?")
    # Read back without the prefix, as the proxy in front would hand it on.
    assert client.get(link.replace("/api/", "/", 1), auth=bob.auth).status_code == 200
