"""flask seed: sample users who can sign in, and boards spread over them."""

from cli import SEED_PASSWORD


def test_seed_adds_users_who_sign_in_and_boards_by_them(app, client, sql):
    result = app.test_cli_runner().invoke(args=["seed", "--users", "3", "--boards", "25", "--batch-size", "10"])
    assert result.exit_code == 0, result.output
    assert sql("SELECT COUNT(*) AS n FROM users")[0]["n"] == 3
    assert sql("SELECT COUNT(*) AS n FROM boards")[0]["n"] == 25
    assert sql("SELECT COUNT(*) AS n FROM boards WHERE user_id NOT IN (SELECT id FROM users)")[0]["n"] == 0
    me = client.get("/users/me", auth=("user1@example.com", SEED_PASSWORD))
    assert me.status_code == 200 and me.json["name"] == "user1"
    assert len(client.get("/boards?limit=100", auth=("user1@example.com", SEED_PASSWORD)).json) == 25


def test_seeding_again_adds_more_users_without_clashing(app, sql):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "--users", "2", "--boards", "0"]).exit_code == 0
    assert runner.invoke(args=["seed", "--users", "2", "--boards", "0"]).exit_code == 0
    assert sql("SELECT COUNT(DISTINCT email) AS n FROM users")[0]["n"] == 4


def test_boards_without_users_is_a_usage_error(app):
    result = app.test_cli_runner().invoke(args=["seed", "--users", "0", "--boards", "5"])
    assert result.exit_code != 0
    assert "no users" in result.output


def test_seeded_comments_sit_on_boards_that_count_them_exactly(app, client, sql):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "--users", "3", "--boards", "5", "--comments", "40", "--batch-size", "7"])
    assert result.exit_code == 0, result.output
    assert "comments" in result.output
    assert sql("SELECT COUNT(*) AS n FROM comments")[0]["n"] == 40
    # Seeding again (comments only, on the boards there are) keeps every count exact.
    assert runner.invoke(args=["seed", "--users", "0", "--boards", "0", "--comments", "9"]).exit_code == 0
    mismatched = sql("SELECT b.id FROM boards AS b WHERE b.comment_count <> "
                     "(SELECT COUNT(*) FROM comments AS c WHERE c.board_id = b.id)")
    assert mismatched == []
    assert sql("SELECT SUM(comment_count) AS n FROM boards")[0]["n"] == 49
    boards = client.get("/boards?limit=100", auth=("user1@example.com", SEED_PASSWORD)).json
    assert sum(board["comments"] for board in boards) == 49


def test_comments_without_boards_is_a_usage_error(app):
    result = app.test_cli_runner().invoke(args=["seed", "--users", "1", "--boards", "0", "--comments", "5"])
    assert result.exit_code != 0
    assert "no boards" in result.output


def test_seeded_follows_are_per_added_user_and_counted_exactly(app, client, sql):
    result = app.test_cli_runner().invoke(
        args=["seed", "--users", "6", "--boards", "30", "--follows", "3", "--batch-size", "4"])
    assert result.exit_code == 0, result.output
    assert "18 follows" in result.output
    per_follower = sql("SELECT follower_id, COUNT(*) AS n FROM follows GROUP BY follower_id")
    assert len(per_follower) == 6 and {row["n"] for row in per_follower} == {3}
    assert sql("SELECT COUNT(*) AS n FROM follows WHERE follower_id = followee_id") == [{"n": 0}]
    me = sql("SELECT id FROM users WHERE email = 'user1@example.com'")[0]["id"]
    profile = client.get("/profiles/user1", auth=("user1@example.com", SEED_PASSWORD)).json
    assert profile["following"] == 3
    assert profile["boards"] == sql("SELECT COUNT(*) AS n FROM boards WHERE user_id = %s", me)[0]["n"]
    assert profile["followers"] == sql("SELECT COUNT(*) AS n FROM follows WHERE followee_id = %s", me)[0]["n"]


def test_more_follows_than_users_follow_everyone_else(app, sql):
    result = app.test_cli_runner().invoke(args=["seed", "--users", "3", "--boards", "0", "--follows", "10"])
    assert result.exit_code == 0, result.output
    assert sql("SELECT COUNT(*) AS n FROM follows") == [{"n": 6}]
