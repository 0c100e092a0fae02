"""OZ_TRUST_PROXY: behind one trusted reverse proxy, the client's address, scheme and host are
the ones the proxy forwards (X-Forwarded-For, -Proto, -Host); without it those headers are
ignored. The throttle's side is in test_throttle.py, the next-page links' in test_links.py."""

import secrets
from urllib.parse import urljoin

from app import config_from_env, create_app

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "oz.example.org"}


def test_the_proxy_is_trusted_only_when_the_environment_says_so():
    assert config_from_env({})["OZ_TRUST_PROXY"] is False
    for value in ("1", "true", "TRUE", "yes", "on"):
        assert config_from_env({"OZ_TRUST_PROXY": value})["OZ_TRUST_PROXY"] is True, value
    for value in ("", "0", "false", "no", "off"):
        assert config_from_env({"OZ_TRUST_PROXY": value})["OZ_TRUST_PROXY"] is False, value


def test_behind_a_trusted_proxy_location_leads_to_the_clients_scheme_and_host(app_config):
    client = create_app({**app_config, "OZ_TRUST_PROXY": True}).test_client()
    name = f"proxied-{secrets.token_hex(4)}"
    response = client.post("/users", json={"name": name, "email": f"{name}@example.com", "password": "correct horse"},
                           headers=FORWARDED)
    assert response.status_code == 201
    # A client resolves Location against the address it asked for.
    new_user = urljoin("https://oz.example.org/users", response.headers["Location"])
    assert new_user == f"https://oz.example.org/users/{response.json['id']}"
