"""The smoke test: oz answers /health with its database up."""


def test_health_answers_ok_with_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
