"""The HTML pages and Swagger UI, driven in Debian's Chromium against the real app and MySQL."""
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from app import create_app
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, DatabaseCable, screenshot, sign_in, tabs_on

XSS_TITLE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is not at {CHROMIUM}: install it with `apt-get install chromium`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def dialogs():
    return []


@pytest.fixture
def tabs(browser, app, dialogs):
    """Tabs on the app served at 127.0.0.1 that reach nothing else.

    Any request off the machine, browser dialog, script error or CSP refusal fails the test.
    """
    with tabs_on(browser, app, dialogs) as tabs:
        yield tabs


@pytest.fixture
def page(tabs):
    """The test's first tab."""
    return tabs.open()


def write_board(client, account, title, content=""):
    response = client.post("/boards", json={"title": title, "content": content}, auth=account.auth)
    assert response.status_code == 201, response.json
    return response.json


def board_item(page, board_id):
    return page.locator(f'#boards > li[data-board-id="{board_id}"]')


def user_item(page, user_id):
    return page.locator(f'#users > li[data-user-id="{user_id}"]')


def test_pages_send_security_headers(page):
    for path in ("/", "/manage-users", "/manage-boards", "/swagger-ui"):
        headers = page.goto(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
    page.goto("/")
    expect(page.get_by_role("link", name="Manage boards")).to_be_visible()
    screenshot(page, "index")


def test_sign_up_write_edit_delete_a_board_and_sign_out(page):
    page.goto("/manage-boards")
    sign_up = page.locator("#sign-up")
    sign_up.get_by_label("Name").fill("alice")
    sign_up.get_by_label("Email").fill("alice@example.com")
    sign_up.get_by_label("Password").fill("correct horse")
    sign_up.get_by_role("button", name="Sign up").click()
    expect(page.locator("#whoami")).to_have_text("Signed in as alice (alice@example.com)")
    expect(page.locator("#signed-out")).to_be_hidden()
    expect(page.locator("#empty")).to_be_visible()

    write = page.locator("#write")
    write.get_by_label("Title").fill("First board")
    write.get_by_label("Content").fill("Hello from the browser 👋")
    write.get_by_role("button", name="Post").click()
    board = page.locator("#boards > li").filter(has_text="First board")
    expect(board).to_contain_text("by alice")
    expect(write.get_by_label("Title")).to_have_value("")
    expect(page.locator("#empty")).to_be_hidden()

    # After a reload the list comes from the API, and the tab is still signed in.
    page.reload()
    expect(board).to_contain_text("Hello from the browser 👋")
    screenshot(page, "boards-signed-in")

    board.get_by_role("button", name="Edit").click()
    form = board.locator(".edit-form")
    expect(form.get_by_label("Title")).to_have_value("First board")
    form.get_by_label("Title").fill("Renamed board")
    form.get_by_role("button", name="Save").click()
    renamed = page.locator("#boards > li").filter(has_text="Renamed board")
    expect(renamed).to_be_visible()
    expect(page.locator("#boards > li")).to_have_count(1)

    renamed.get_by_role("button", name="Delete").click()
    renamed.get_by_role("button", name="Yes, delete").click()
    expect(page.locator("#boards > li")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    page.reload()
    expect(page.locator("#whoami")).to_contain_text("alice")
    expect(page.locator("#empty")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#whoami")).to_have_text("Not signed in")
    expect(page.locator("#sign-in")).to_be_visible()
    expect(page.locator("#signed-in")).to_be_hidden()
    assert page.evaluate("sessionStorage.length") == 0
    screenshot(page, "boards-signed-out")


def test_others_boards_show_no_controls_and_the_api_refuses_them(page, accounts, client):
    alice = accounts.member("alice")
    board = write_board(client, alice, "Alice's board", "Only Alice may change this.")
    bob = accounts.member("bob")
    write_board(client, bob, "Bob's board")

    page.goto("/manage-boards")
    sign_in(page, bob)
    item = board_item(page, board["id"])
    expect(item).to_contain_text("Alice's board")
    expect(item.get_by_role("button", name="Edit")).to_be_hidden()
    expect(item.get_by_role("button", name="Delete")).to_be_hidden()
    expect(page.locator("#boards > li").filter(has_text="Bob's board").get_by_role("button", name="Edit")).to_be_visible()
    screenshot(page, "boards-other-user")

    # Forced through the page's own API helper, as someone at the browser console could.
    statuses = page.evaluate(
        """async (id) => {
            const { api } = await import("/static/oz.js");
            const attempts = [
                ["PUT", { title: "Bob's now", content: "" }],
                ["PATCH", { title: "Bob's now" }],
                ["DELETE", undefined],
            ];
            const statuses = [];
            for (const [method, body] of attempts) {
                statuses.push(await api(method, `/boards/${id}`, body).then(() => 200, (error) => error.status));
            }
            return statuses;
        }""",
        board["id"],
    )
    assert statuses == [403, 403, 403]
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).json["title"] == "Alice's board"


def test_filter_by_author_shows_only_their_boards(page, accounts, client):
    alice = accounts.member("alice")
    bob = accounts.member("bob")
    write_board(client, alice, "Alice one")
    write_board(client, bob, "Bob one")
    write_board(client, alice, "Alice two")

    page.goto("/manage-boards")
    sign_in(page, bob)
    titles = page.locator("#boards .board-title")
    expect(titles).to_have_text(["Alice two", "Bob one", "Alice one"])
    page.locator("#boards .board-author").filter(has_text="alice").first.click()
    expect(titles).to_have_text(["Alice two", "Alice one"])
    expect(page.locator("#filter-text")).to_have_text("Boards by alice, newest first.")
    page.get_by_role("button", name="Only mine").click()
    expect(titles).to_have_text(["Bob one"])
    page.get_by_role("button", name="Show everyone's").click()
    expect(titles).to_have_count(3)


def test_markup_in_a_board_shows_as_text_and_runs_nothing(page, client, dialogs):
    name = "<b>mallory</b>"
    response = client.post("/users", json={"name": name, "email": "mallory@example.com", "password": "correct horse"})
    assert response.status_code == 201, response.json
    content = "<script>alert(2)</script><a href=javascript:alert(3)>click</a>"
    board = client.post(
        "/boards", json={"title": XSS_TITLE, "content": content}, auth=("mallory@example.com", "correct horse")
    ).json

    page.goto("/manage-boards")
    form = page.locator("#sign-in")
    form.get_by_label("Email").fill("mallory@example.com")
    form.get_by_label("Password").fill("correct horse")
    form.get_by_role("button", name="Sign in").click()
    item = board_item(page, board["id"])
    expect(item.locator(".board-title")).to_have_text(XSS_TITLE)
    expect(item.locator(".board-content")).to_have_text(content)
    expect(item.locator(".board-author")).to_have_text(name)
    expect(page.locator("#whoami")).to_contain_text(name)
    expect(page.locator("main img, main script, main b, main a[href^=javascript]")).to_have_count(0)
    # Give an onerror handler, had one been created, time to fire.
    page.wait_for_timeout(500)
    assert dialogs == []
    screenshot(page, "boards-markup-as-text")


def test_a_wrong_password_shows_the_api_message_and_no_browser_dialog(page, accounts, client):
    alice = accounts.member("alice")
    page.goto("/manage-boards")
    form = page.locator("#sign-in")
    form.get_by_label("Email").fill(alice.email)
    form.get_by_label("Password").fill("not the password")
    with page.expect_response("**/tokens") as answer:
        form.get_by_role("button", name="Sign in").click()
    response = answer.value
    assert response.status == 401
    # The page's request marks itself, so the API leaves out the challenge that would make
    # the browser pop up its own Basic-auth dialog ...
    assert "www-authenticate" not in response.headers
    expect(form.locator(".form-error")).to_have_text(response.json()["message"])
    expect(page.locator("#whoami")).to_have_text("Not signed in")
    assert page.evaluate("sessionStorage.length") == 0
    screenshot(page, "sign-in-wrong-password")
    # ... while curl, which does not mark itself, still gets it.
    plain = client.get("/users/me", auth=(alice.email, "not the password"))
    assert plain.status_code == 401
    assert plain.headers["WWW-Authenticate"].startswith("Basic")


def test_sign_up_errors_show_next_to_their_fields(page, accounts):
    accounts.member("carol")
    page.goto("/manage-users")
    sign_up = page.locator("#sign-up")
    sign_up.get_by_label("Name").fill("dave")
    sign_up.get_by_label("Email").fill("not-an-email")
    sign_up.get_by_label("Password").fill("short")
    with page.expect_response("**/users") as answer:
        sign_up.get_by_role("button", name="Sign up").click()
    body = answer.value.json()
    assert answer.value.status == 422
    expect(sign_up.locator(".form-error")).to_have_text(body["message"])
    expect(sign_up.locator('[data-error-for="email"]')).to_have_text(" ".join(body["errors"]["json"]["email"]))
    expect(sign_up.locator('[data-error-for="password"]')).to_have_text(
        " ".join(body["errors"]["json"]["password"])
    )
    expect(sign_up.locator('[data-error-for="name"]')).to_be_empty()
    screenshot(page, "sign-up-errors")

    sign_up.get_by_label("Name").fill("carol")
    sign_up.get_by_label("Email").fill("dave@example.com")
    sign_up.get_by_label("Password").fill("long enough")
    with page.expect_response("**/users") as answer:
        sign_up.get_by_role("button", name="Sign up").click()
    assert answer.value.status == 409
    expect(sign_up.locator('[data-error-for="name"]')).to_have_text(answer.value.json()["message"])
    expect(sign_up.locator('[data-error-for="email"]')).to_be_empty()


def test_people_edit_and_delete_their_own_account(page, accounts, client):
    me = accounts.member("alice")
    other = accounts.member("bob")
    page.goto("/manage-users")
    sign_in(page, me)
    mine = user_item(page, me.id)
    theirs = user_item(page, other.id)
    expect(mine).to_contain_text(me.email)
    expect(theirs).to_contain_text("bob")
    expect(theirs).not_to_contain_text(other.email)
    expect(theirs.get_by_role("button", name="Edit")).to_be_hidden()
    expect(theirs.get_by_role("button", name="Delete")).to_be_hidden()
    expect(mine.get_by_role("button", name="Make admin")).to_be_hidden()

    mine.get_by_role("button", name="Edit").click()
    form = mine.locator(".edit-form")
    form.get_by_label("Name").fill("alicia")
    form.get_by_label("New password").fill("a brand new password")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#whoami")).to_have_text(f"Signed in as alicia ({me.email})")
    expect(mine).to_contain_text("alicia (you)")

    # The tab signs in again with the new password: the change took, and was remembered.
    page.reload()
    expect(page.locator("#whoami")).to_have_text(f"Signed in as alicia ({me.email})")
    assert client.get("/users/me", auth=(me.email, "a brand new password")).status_code == 200
    screenshot(page, "users-signed-in")

    mine.get_by_role("button", name="Edit").click()
    form.get_by_label("Name").fill("bob")
    form.get_by_role("button", name="Save").click()
    expect(form.locator('[data-error-for="name"]')).not_to_be_empty()
    screenshot(page, "users-name-taken")
    form.get_by_role("button", name="Cancel").click()

    mine.get_by_role("button", name="Delete").click()
    expect(mine).to_contain_text("Delete your account and all your boards?")
    mine.get_by_role("button", name="Yes, delete").click()
    expect(page.locator("#whoami")).to_have_text("Not signed in")
    assert client.get(f"/users/{me.id}", auth=other.auth).status_code == 404


def test_admins_edit_delete_and_promote_anyone(page, accounts, client):
    admin = accounts.admin("root")
    alice = accounts.member("alice")
    board = write_board(client, alice, "Alice's board")

    page.goto("/manage-boards")
    sign_in(page, admin)
    expect(page.locator("#whoami")).to_contain_text(", admin")
    item = board_item(page, board["id"])
    item.get_by_role("button", name="Edit").click()
    item.locator(".edit-form").get_by_label("Title").fill("Moderated")
    item.locator(".edit-form").get_by_role("button", name="Save").click()
    expect(board_item(page, board["id"]).locator(".board-title")).to_have_text("Moderated")

    page.get_by_role("link", name="Users").click()
    row = user_item(page, alice.id)
    expect(row).to_contain_text(alice.email)
    row.get_by_role("button", name="Make admin").click()
    expect(row.locator(".user-role")).to_have_text("admin")
    expect(row.get_by_role("button", name="Make admin")).to_be_hidden()
    screenshot(page, "users-admin")
    assert client.get("/users/me", auth=alice.auth).json["role"] == "admin"

    row.get_by_role("button", name="Delete").click()
    row.get_by_role("button", name="Yes, delete").click()
    expect(row).to_have_count(0)
    expect(page.locator("#whoami")).to_contain_text("root")
    assert client.get(f"/boards/{board['id']}", auth=admin.auth).status_code == 404


def test_load_more_follows_the_link_header_to_the_last_user(page, accounts, client):
    me = accounts.member("alice")
    for _ in range(44):
        accounts.member()
    page.goto("/manage-users")
    sign_in(page, me)
    users = page.locator("#users > li")
    expect(users).to_have_count(20)
    load_more = page.get_by_role("button", name="Load more")
    load_more.click()
    expect(users).to_have_count(40)
    load_more.click()
    expect(users).to_have_count(45)
    expect(load_more).to_be_hidden()
    listed = client.get("/users?limit=100", auth=me.auth).json
    ids = users.evaluate_all("items => items.map((item) => Number(item.dataset.userId))")
    assert ids == [user["id"] for user in listed]


def test_swagger_ui_renders_the_operations_offline(page):
    page.goto("/swagger-ui")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    paths = {path.replace("\u200b", "") for path in page.locator(".opblock-summary-path").all_inner_texts()}
    assert {"/users", "/users/me", "/users/{user_id}", "/boards", "/boards/{board_id}"} <= paths
    screenshot(page, "swagger-ui")


def test_swagger_ui_authorize_with_basic_auth_calls_the_live_api(page, accounts):
    alice = accounts.member("alice")
    page.goto("/swagger-ui")
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".dialog-ux")
    basic = dialog.locator(".auth-container").filter(has_text="basicAuth")
    basic.locator("input[type=text]").fill(alice.email)
    basic.locator("input[type=password]").fill(alice.password)
    basic.get_by_role("button", name="Authorize").click()
    dialog.get_by_role("button", name="Close").first.click()  # each scheme has one

    operation = page.locator("#operations-users-getMe")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response("**/users/me") as answer:
        operation.get_by_role("button", name="Execute").click()
    assert answer.value.status == 200
    expect(operation.locator(".live-responses-table tr.response .response-col_status")).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text(alice.email)
    screenshot(page, "swagger-ui-authorized")


def write_comment(client, account, board, content):
    response = client.post(f"/boards/{board['id']}/comments", json={"content": content}, auth=account.auth)
    assert response.status_code == 201, response.json
    return response.json


def open_comment(page, account, board, comment):
    """Sign in on the boards page and open the comments of a board with one comment.

    Returns the board's item and the comment's entry in it.
    """
    page.goto("/manage-boards")
    sign_in(page, account)
    item = board_item(page, board["id"])
    item.get_by_role("button", name="1 comment").click()
    return item, item.locator(f'.comment[data-comment-id="{comment["id"]}"]')


def test_pages_load_without_a_console_error_favicon_included(page, accounts, client):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    # Each path on a first visit: a browser asks for the page's icon once.
    for path in ("/", "/manage-users", "/manage-boards", "/swagger-ui"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).status == 200
    assert page.request.get("/favicon.ico").status == 200  # followed to the same file

    alice = accounts.member("alice")
    write_comment(client, alice, write_board(client, alice, "Commented"), "A first comment")
    page.goto("/manage-boards")
    sign_in(page, alice)
    page.get_by_role("button", name="1 comment").click()
    expect(page.locator(".comment")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert errors == []


def test_signed_in_people_read_comments_oldest_first_and_add_theirs(page, accounts, client):
    alice = accounts.member("alice")
    bob = accounts.member("bob")
    board = write_board(client, alice, "Talk to me")
    written = [write_comment(client, bob if n % 2 else alice, board, f"comment {n}") for n in range(21)]
    write_comment(client, bob, write_board(client, bob, "Elsewhere"), "not on alice's board")

    page.goto("/manage-boards")
    sign_in(page, bob)
    item = board_item(page, board["id"])
    toggle = item.get_by_role("button", name="21 comments")
    expect(toggle).to_be_visible()
    expect(item.locator(".comment")).to_have_count(0)
    toggle.click()
    comments = item.locator(".comment")
    expect(comments).to_have_count(20)
    expect(comments.first).to_contain_text("comment 0")
    expect(comments.first.locator(".comment-author")).to_have_text("alice")
    item.get_by_role("button", name="More comments").click()
    expect(comments).to_have_count(21)
    expect(item.get_by_role("button", name="More comments")).to_be_hidden()
    ids = comments.evaluate_all("items => items.map((item) => Number(item.dataset.commentId))")
    assert ids == [comment["id"] for comment in written]

    form = item.locator(".comment-form")
    form.get_by_label("Your comment").fill("   ")
    form.get_by_role("button", name="Comment").click()
    expect(form.locator('[data-error-for="content"]')).to_have_text("Must not be blank.")
    form.get_by_label("Your comment").fill("<b>Bob</b> agrees 👍")
    form.get_by_role("button", name="Comment").click()
    expect(comments).to_have_count(22)
    expect(comments.last.locator(".comment-content")).to_have_text("<b>Bob</b> agrees 👍")
    expect(page.locator("main b")).to_have_count(0)
    expect(item.get_by_role("button", name="22 comments")).to_be_visible()
    expect(form.get_by_label("Your comment")).to_have_value("")
    screenshot(page, "boards-comments")

    listed = client.get(f"/boards/{board['id']}/comments?limit=100", auth=bob.auth).json
    assert (listed[-1]["content"], listed[-1]["author"]) == ("<b>Bob</b> agrees 👍", "bob")
    assert client.get(f"/boards/{board['id']}", auth=bob.auth).json["comments"] == 22

    # After a reload the count comes from the API, and others' comments offer no Delete.
    page.reload()
    item.get_by_role("button", name="22 comments").click()
    expect(comments).to_have_count(20)
    expect(comments.nth(0).get_by_role("button", name="Delete")).to_be_hidden()
    mine = comments.nth(1)
    expect(mine).to_contain_text("comment 1")
    mine.get_by_role("button", name="Delete").click()
    mine.get_by_role("button", name="Yes, delete").click()
    expect(item.get_by_role("button", name="21 comments")).to_be_visible()
    assert client.get(f"/comments/{written[1]['id']}", auth=bob.auth).status_code == 404


def test_the_board_author_may_delete_any_comment_on_their_board(page, accounts, client):
    alice = accounts.member("alice")
    bob = accounts.member("bob")
    board = write_board(client, alice, "Mine")
    comment = write_comment(client, bob, board, "Bob was here")
    item, entry = open_comment(page, alice, board, comment)
    entry.get_by_role("button", name="Delete").click()
    entry.get_by_role("button", name="Yes, delete").click()
    expect(item.locator(".comment")).to_have_count(0)
    expect(item.get_by_role("button", name="0 comments")).to_be_visible()
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).json["comments"] == 0


def test_a_profile_link_per_author_shows_their_profile(page, accounts, client):
    alice = accounts.member("alice")
    bob = accounts.member("bob")
    board = write_board(client, alice, "Alice one")
    write_board(client, alice, "Alice two")
    write_board(client, bob, "Bob one")
    write_comment(client, bob, board, "Hi Alice")

    page.goto("/manage-boards")
    sign_in(page, bob)
    item = board_item(page, board["id"])
    item.get_by_role("link", name="Profile of alice").click()
    profile = page.locator("#profile")
    expect(profile.locator(".profile-name")).to_have_text("alice")
    expect(profile.locator(".profile-counts")).to_have_text("2 boards · 0 followers · 0 following")
    expect(profile.locator(".profile-joined")).not_to_be_empty()
    screenshot(page, "boards-profile")
    profile.get_by_role("button", name="Show their boards").click()
    expect(page.locator("#boards .board-title")).to_have_text(["Alice two", "Alice one"])

    # A comment's author links to their profile too.
    item.get_by_role("button", name="1 comment").click()
    item.locator(".comment").get_by_role("link", name="Profile of bob").click()
    expect(profile.locator(".profile-name")).to_have_text("bob")
    expect(profile.locator(".profile-counts")).to_have_text("1 board · 0 followers · 0 following")
    expect(profile.locator(".profile-relation")).to_have_text("This is you.")
    profile.get_by_role("button", name="Close").click()
    expect(profile).to_be_hidden()


def storage_values(page):
    """Everything the page keeps: localStorage, sessionStorage and cookies, as one text."""
    stored = page.evaluate("""() => JSON.stringify([
        Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])""")
    return stored + repr(page.context.cookies())


def test_signing_in_keeps_only_a_token_never_the_password(page, accounts, client):
    alice = accounts.member("alice", password="a findable password")
    page.goto("/manage-boards")
    with page.expect_response("**/tokens") as answer:
        sign_in(page, alice)
    assert answer.value.request.method == "POST" and answer.value.status == 201
    stored = storage_values(page)
    assert alice.password not in stored
    assert alice.password.encode().hex() not in stored
    token = page.evaluate("sessionStorage.getItem('oz.token')")
    assert page.evaluate("[localStorage.length, sessionStorage.length]") == [0, 1]
    assert client.get("/users/me", headers={"Authorization": f"Bearer {token}"}).json["id"] == alice.id
    # The next page of the tab carries the sign-in over with the token alone.
    page.get_by_role("link", name="Users").click()
    expect(page.locator("#whoami")).to_have_text(f"Signed in as alice ({alice.email})")
    assert alice.password not in storage_values(page)


def test_signing_out_revokes_the_token_and_later_pages_are_signed_out(page, accounts, client):
    alice = accounts.member("alice")
    page.goto("/manage-boards")
    sign_in(page, alice)
    token = page.evaluate("sessionStorage.getItem('oz.token')")
    with page.expect_response("**/tokens/current") as answer:
        page.get_by_role("button", name="Sign out").click()
    assert answer.value.request.method == "DELETE" and answer.value.status == 204
    expect(page.locator("#whoami")).to_have_text("Not signed in")
    assert page.evaluate("sessionStorage.length") == 0
    assert client.get("/users/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    for path in ("/manage-users", "/", "/manage-boards"):
        page.goto(path)
        expect(page.locator("#sign-in")).to_be_visible()
        expect(page.locator("#whoami")).to_have_text("Not signed in")


def test_a_token_revoked_elsewhere_signs_the_page_out(page, accounts, client):
    alice = accounts.member("alice")
    page.goto("/manage-boards")
    sign_in(page, alice)
    assert client.delete("/tokens", auth=alice.auth).status_code == 204  # log out everywhere
    page.reload()
    expect(page.locator("#sign-in")).to_be_visible()
    expect(page.locator("#whoami")).to_have_text("Not signed in")
    assert page.evaluate("sessionStorage.length") == 0


def test_swagger_ui_authorize_with_a_bearer_token_calls_the_live_api(page, accounts, client):
    alice = accounts.member("alice")
    token = client.post("/tokens", auth=alice.auth).json["token"]
    page.goto("/swagger-ui")
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".dialog-ux")
    bearer = dialog.locator(".auth-container").filter(has_text="bearerAuth")
    bearer.locator("input").fill(token)
    bearer.get_by_role("button", name="Authorize").click()
    dialog.get_by_role("button", name="Close").first.click()  # each scheme has one

    operation = page.locator("#operations-users-getMe")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response("**/users/me") as answer:
        operation.get_by_role("button", name="Execute").click()
    assert answer.value.status == 200
    assert answer.value.request.headers["authorization"] == f"Bearer {token}"
    expect(operation.locator(".live-responses-table")).to_contain_text(alice.email)


def sign_up(page, name, email, password="correct horse"):
    form = page.locator("#sign-up")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign up").click()
    expect(page.locator("#whoami")).to_have_text(f"Signed in as {name} ({email})")


def screenshots_at_a_phone_and_a_laptop_width(page, name):
    """Screenshots 375 and 1280 px wide, each page checked to fit its width (nothing to scroll sideways)."""
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than {width} px"
        screenshot(page, f"{name}-{width}")


def test_one_follows_another_from_a_pasted_profile_address_and_the_feed_shows_their_new_board(tabs, accounts, client):
    alices_tab = tabs.open()
    alices_tab.goto("/manage-boards")
    sign_up(alices_tab, "alice", "alice@example.com")
    bobs_tab = tabs.open()
    bobs_tab.goto("/manage-boards")
    sign_up(bobs_tab, "bob", "bob@example.com")
    carol = accounts.member("carol")
    write_board(client, carol, "Carol's board, whom Bob does not follow")

    bobs_tab.get_by_role("button", name="Following").click()
    expect(bobs_tab.locator("#filter-text")).to_have_text("Newest boards by the people you follow.")
    expect(bobs_tab.locator("#empty")).to_contain_text("You follow nobody yet.")
    expect(bobs_tab.locator("#boards > li")).to_have_count(0)

    # Alice copies the address of her profile; Bob pastes it into his tab.
    alices_tab.get_by_role("link", name="Your profile").click()
    expect(alices_tab.locator("#profile .profile-relation")).to_have_text("This is you.")
    expect(alices_tab.get_by_role("button", name="Follow", exact=True)).to_be_hidden()
    bobs_tab.goto(alices_tab.url)
    profile = bobs_tab.locator("#profile")
    expect(profile.locator(".profile-name")).to_have_text("alice")
    expect(profile.locator(".profile-counts")).to_have_text("0 boards · 0 followers · 0 following")
    expect(bobs_tab.locator("#empty")).to_have_text("No boards yet.")
    profile.get_by_role("button", name="Follow", exact=True).click()
    expect(profile.get_by_role("button", name="Unfollow", exact=True)).to_be_visible()
    expect(profile.locator(".profile-counts")).to_have_text("0 boards · 1 follower · 0 following")
    expect(profile.locator(".profile-relation")).to_have_text("You follow them.")
    bobs_tab.get_by_role("button", name="Followers").click()
    expect(bobs_tab.locator("#entries .person-name")).to_have_text(["bob"])
    bobs_tab.get_by_role("button", name="Following", exact=True).click()
    expect(bobs_tab.locator("#empty")).to_have_text("They follow nobody yet.")
    assert client.get("/profiles/alice", auth=carol.auth).json["followers"] == 1

    # Alice writes; her board shows in Bob's feed, and Carol's, whom he does not follow, does not.
    alices_tab.get_by_role("link", name="Boards", exact=True).click()
    write = alices_tab.locator("#write")
    write.get_by_label("Title").fill("Hello, followers")
    write.get_by_label("Content").fill("Alice's news, for whoever follows her.")
    write.get_by_role("button", name="Post").click()
    expect(alices_tab.locator("#boards .board-title").first).to_have_text("Hello, followers")

    bobs_tab.goto("/manage-boards")
    bobs_tab.get_by_role("button", name="Following").click()
    expect(bobs_tab.locator("#boards .board-title")).to_have_text(["Hello, followers"])
    expect(bobs_tab.locator("#empty")).to_be_hidden()
    screenshots_at_a_phone_and_a_laptop_width(bobs_tab, "feed")
    # The feed has an address of its own, the one the page now shows.
    assert bobs_tab.url.endswith("/manage-boards#following")
    bobs_tab.reload()
    expect(bobs_tab.locator("#boards .board-title")).to_have_text(["Hello, followers"])

    bobs_tab.set_viewport_size({"width": 1100, "height": 800})
    bobs_tab.goto(alices_tab.url.replace("/manage-boards", "/people/alice"))
    expect(profile.locator(".profile-counts")).to_have_text("1 board · 1 follower · 0 following")
    expect(bobs_tab.locator("#entries .board-title")).to_have_text(["Hello, followers"])
    screenshots_at_a_phone_and_a_laptop_width(bobs_tab, "profile")

    profile.get_by_role("button", name="Unfollow", exact=True).click()
    expect(profile.locator(".profile-counts")).to_have_text("1 board · 0 followers · 0 following")
    expect(profile.get_by_role("button", name="Follow", exact=True)).to_be_focused()
    bobs_tab.get_by_role("link", name="Boards of the people you follow").click()
    expect(bobs_tab.locator("#empty")).to_contain_text("You follow nobody yet.")
    assert tabs.console_errors == []


def test_an_admin_and_the_author_edit_the_same_board_and_the_second_save_shows_the_conflict(tabs, accounts, client):
    alice = accounts.member("alice")
    admin = accounts.admin("root")
    board = write_board(client, alice, "Draft", "First words")
    authors_tab = tabs.open()
    authors_tab.goto("/manage-boards")
    sign_in(authors_tab, alice)
    admins_tab = tabs.open()
    admins_tab.goto("/manage-boards")
    sign_in(admins_tab, admin)

    def open_editor(tab):
        board_item(tab, board["id"]).get_by_role("button", name="Edit").click()
        form = board_item(tab, board["id"]).locator(".edit-form")
        return form

    authors_form = open_editor(authors_tab)
    admins_form = open_editor(admins_tab)
    expect(authors_form.get_by_label("Title")).to_have_value("Draft")
    expect(admins_form.get_by_label("Title")).to_have_value("Draft")

    authors_form.get_by_label("Title").fill("Final")
    authors_form.get_by_label("Content").fill("The author's words")
    authors_form.get_by_role("button", name="Save").click()
    expect(board_item(authors_tab, board["id"]).locator(".board-title")).to_have_text("Final")

    admins_form.get_by_label("Title").fill("Moderated")
    admins_form.get_by_role("button", name="Save").click()
    conflict = admins_form.locator(".conflict")
    expect(conflict).to_contain_text("Someone else changed this while you were editing.")
    expect(conflict.locator(".conflict-current dd")).to_have_text(["Final", "The author's words"])
    expect(conflict.get_by_role("button", name="Apply my edit")).to_be_focused()
    expect(admins_form.get_by_label("Title")).to_have_value("Moderated")
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).json["title"] == "Final"
    screenshot(admins_tab, "boards-edit-conflict")

    # Applied again, the admin's edit replaces the version they have now seen.
    conflict.get_by_role("button", name="Apply my edit").click()
    expect(board_item(admins_tab, board["id"]).locator(".board-title")).to_have_text("Moderated")
    saved = client.get(f"/boards/{board['id']}", auth=alice.auth).json
    assert (saved["title"], saved["content"]) == ("Moderated", "First words")

    # The author, still showing "Final", edits from what is there now; the admin saves first
    # this time, and the author drops their edit for the admin's.
    authors_form = open_editor(authors_tab)
    expect(authors_form.get_by_label("Title")).to_have_value("Moderated")
    admins_form = open_editor(admins_tab)
    expect(admins_form.get_by_label("Title")).to_have_value("Moderated")
    admins_form.get_by_label("Title").fill("Moderated twice")
    admins_form.get_by_role("button", name="Save").click()
    expect(board_item(admins_tab, board["id"]).locator(".board-title")).to_have_text("Moderated twice")
    authors_form.get_by_label("Title").fill("Mine again")
    authors_form.get_by_role("button", name="Save").click()
    authors_form.get_by_role("button", name="Drop my edit").click()
    expect(board_item(authors_tab, board["id"]).locator(".board-title")).to_have_text("Moderated twice")
    expect(board_item(authors_tab, board["id"]).locator(".edit-form")).to_be_hidden()
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).json["title"] == "Moderated twice"


def test_comment_and_account_edits_meet_a_change_made_meanwhile_with_the_conflict_view(page, accounts, client):
    alice = accounts.member("alice")
    admin = accounts.admin("root")
    board = write_board(client, alice, "Talk")
    comment = write_comment(client, alice, board, "first take")
    item, entry = open_comment(page, alice, board, comment)
    entry.get_by_role("button", name="Edit").click()
    form = entry.locator(".edit-form")
    expect(form.get_by_label("Comment")).to_have_value("first take")
    changed = client.patch(f"/comments/{comment['id']}", json={"content": "moderated take"}, auth=admin.auth)
    assert changed.status_code == 200
    form.get_by_label("Comment").fill("second take")
    form.get_by_role("button", name="Save").click()
    expect(form.locator(".conflict-current dd")).to_have_text(["moderated take"])
    form.get_by_role("button", name="Drop my edit").click()
    expect(entry.locator(".comment-content")).to_have_text("moderated take")
    assert client.get(f"/comments/{comment['id']}", auth=alice.auth).json["content"] == "moderated take"

    page.get_by_role("link", name="Users").click()
    mine = user_item(page, alice.id)
    mine.get_by_role("button", name="Edit").click()
    form = mine.locator(".edit-form")
    expect(form.get_by_label("Name")).to_have_value("alice")
    assert client.patch(f"/users/{alice.id}", json={"name": "alice-by-admin"}, auth=admin.auth).status_code == 200
    form.get_by_label("Name").fill("alicia")
    form.get_by_role("button", name="Save").click()
    expect(form.locator(".conflict-current dd").first).to_have_text("alice-by-admin")
    form.get_by_role("button", name="Apply my edit").click()
    expect(page.locator("#whoami")).to_have_text(f"Signed in as alicia ({alice.email})")
    expect(user_item(page, alice.id)).to_contain_text("alicia (you)")
    assert client.get("/users/me", auth=alice.auth).json["name"] == "alicia"


@pytest.fixture
def cable(app, app_config):
    """A cable from the test database to a second app, which the test may pull out and plug back."""
    cable = DatabaseCable(app_config["MYSQL_HOST"], app_config["MYSQL_PORT"])
    yield cable
    cable.close()


def test_the_database_cut_during_a_page_action_leaves_the_person_signed_in(
        browser, dialogs, app_config, cable, accounts, client):
    alice = accounts.member("alice")
    app_behind_the_cable = create_app({**app_config, "MYSQL_HOST": cable.host, "MYSQL_PORT": cable.port})
    with tabs_on(browser, app_behind_the_cable, dialogs) as tabs:
        page = tabs.open()
        page.goto("/manage-boards")
        sign_in(page, alice)
        signed_in = f"Signed in as alice ({alice.email})"
        write = page.locator("#write")
        write.get_by_label("Title").fill("Written across an outage")

        cable.pull_out()
        write.get_by_role("button", name="Post").click()
        expect(write.locator(":scope > .form-error")).to_have_text(
            "The database is unavailable; try again shortly. You are still signed in.")
        expect(page.locator("#whoami")).to_have_text(signed_in)
        assert page.evaluate("sessionStorage.length") == 1
        screenshot(page, "boards-database-cut")

        # Still cut: the page cannot learn who is signed in, says so, and keeps the token.
        page.reload()
        unreachable = page.locator("#unreachable")
        expect(unreachable).to_contain_text("The database is unavailable; try again shortly. You are still signed in")
        expect(page.locator("#sign-in")).to_be_hidden()
        assert page.evaluate("sessionStorage.length") == 1
        screenshot(page, "boards-database-unreachable")

        cable.plug_in()
        unreachable.get_by_role("button", name="Try again").click()
        expect(page.locator("#whoami")).to_have_text(signed_in)
        expect(unreachable).to_be_hidden()
        write.get_by_label("Title").fill("Written across an outage")
        write.get_by_role("button", name="Post").click()
        expect(page.locator("#boards .board-title")).to_have_text(["Written across an outage"])
        assert [board["title"] for board in client.get("/boards", auth=alice.auth).json] == ["Written across an outage"]

        # A 401 is another matter: a token revoked elsewhere signs the page out at its next call.
        assert client.delete("/tokens", auth=alice.auth).status_code == 204
        write.get_by_label("Title").fill("Never written")
        write.get_by_role("button", name="Post").click()
        expect(page.locator("#whoami")).to_have_text("Not signed in")
        expect(page.locator("#sign-in")).to_be_visible()
        assert page.evaluate("sessionStorage.length") == 0


def test_a_profile_address_for_nobody_says_so_and_a_markup_name_shows_as_text(page, accounts, client):
    name = "<b>mal/lory</b>"
    response = client.post("/users", json={"name": name, "email": "mallory@example.com", "password": "correct horse"})
    assert response.status_code == 201, response.json
    board = client.post("/boards", json={"title": "Mallory's", "content": ""},
                        auth=("mallory@example.com", "correct horse")).json
    bob = accounts.member("bob")

    page.goto("/people/nobody-by-that-name")
    sign_in(page, bob)
    expect(page.locator("#profile .form-error")).to_have_text("Nobody has that name.")
    expect(page.locator("#lists")).to_be_hidden()

    # From a board, the profile card, then the profile's own page.
    page.goto("/manage-boards")
    board_item(page, board["id"]).get_by_role("link", name=f"Profile of {name}").click()
    page.locator("#profile").get_by_role("link", name="Open their profile page").click()
    expect(page.locator("#profile .profile-name")).to_have_text(name)
    expect(page.locator("#entries .board-title")).to_have_text(["Mallory's"])
    expect(page.locator("main b")).to_have_count(0)
    assert client.get(f"/profiles/{name.replace('/', '%2F')}", auth=bob.auth).json["id"] == board["user_id"]


def test_each_delete_asks_beside_its_own_button(page, accounts, client):
    alice = accounts.member("alice")
    board = write_board(client, alice, "Mine")
    comment = write_comment(client, alice, board, "Also mine")
    item, entry = open_comment(page, alice, board, comment)
    board_confirm = item.locator(":scope > .actions .confirm")
    comment_confirm = entry.locator(".confirm")

    entry.get_by_role("button", name="Delete").click()
    expect(comment_confirm).to_contain_text("Delete this comment?")
    expect(comment_confirm.get_by_role("button", name="Cancel")).to_be_focused()
    expect(board_confirm).to_be_hidden()
    expect(item.locator(":scope > .actions").get_by_role("button", name="Delete")).to_be_visible()
    comment_confirm.get_by_role("button", name="Cancel").click()
    expect(entry.get_by_role("button", name="Delete")).to_be_focused()

    item.locator(":scope > .actions").get_by_role("button", name="Delete").click()
    expect(board_confirm).to_contain_text("Delete this board?")
    expect(comment_confirm).to_be_hidden()
    entry.get_by_role("button", name="Delete").click()
    comment_confirm.get_by_role("button", name="Yes, delete").click()
    expect(entry).to_have_count(0)
    expect(item).to_be_visible()
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).status_code == 200


def test_the_profile_page_works_by_keyboard_with_a_visible_focus(page, accounts):
    accounts.member("alice")
    bob = accounts.member("bob")
    page.goto("/people/alice")
    sign_in(page, bob)
    counts = page.locator("#profile .profile-counts")
    expect(counts).to_have_text("0 boards · 0 followers · 0 following")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Follow":
            break
    else:
        pytest.fail("Tab never reached the Follow button")
    outline = page.evaluate("(({ outlineStyle, outlineWidth }) => [outlineStyle, outlineWidth])"
                            "(getComputedStyle(document.activeElement))")
    assert outline[0] != "none" and outline[1] != "0px", outline
    page.keyboard.press("Enter")
    expect(counts).to_have_text("0 boards · 1 follower · 0 following")
    expect(page.get_by_role("button", name="Unfollow", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(counts).to_have_text("0 boards · 0 followers · 0 following")


def test_every_page_fits_a_phone_screen(page, accounts, client):
    alice = accounts.member("alice")
    board = write_board(client, alice, "A board with a rather long title to wrap", "x " * 200)
    write_comment(client, alice, board, "Hi")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/manage-boards")
    sign_in(page, alice)
    page.get_by_role("button", name="1 comment").click()
    page.get_by_role("button", name="Edit").first.click()
    expect(page.locator(".comment")).to_have_count(1)
    expect(page.locator("#boards > li > .edit-form")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "a board open for editing, with its comments"
    for path in ("/", "/manage-users", "/people/alice"):
        page.goto(path)
        expect(page.locator("#whoami")).to_contain_text("Signed in as alice")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
