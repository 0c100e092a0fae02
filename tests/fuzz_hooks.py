"""Schemathesis hooks for the fuzz run (loaded with SCHEMATHESIS_HOOKS=fuzz_hooks).

Every generated request signs in as a member of its own, made through the API just before
it: a generated DELETE or PATCH of /users/{id} may delete the account or change its
password, and must not spoil the requests that follow.
"""

import base64
import os
import secrets

import requests
import schemathesis


@schemathesis.auth(refresh_interval=None, retry_on=[])
class FreshMember:
    def get(self, case, context):
        name = f"fuzz-{secrets.token_hex(8)}"
        email, password = f"{name}@example.com", "fuzzing password"
        response = requests.post(f"{os.environ['OZ_FUZZ_BASE_URL']}/users", timeout=30,
                                 json={"name": name, "email": email, "password": password})
        response.raise_for_status()
        return base64.b64encode(f"{email}:{password}".encode()).decode()

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Basic {data}"
