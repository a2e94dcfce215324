"""Issuing, listing, expiring and revoking tokens, with the CLI and the admin API."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from mlcatalog.services.tokens import TokenService
from mlcatalog.settings import Settings
from mlcatalog.store.sql import open_store
from mlcatalog.store.sql.tokens import SqlTokenStore
from tests.compat.helpers import unique
from tests.support.server import ServerProcess
from tests.support.tokens import AuthServer, create_token, mlcatalog, token_id


def _status(secured: AuthServer, token: str, url: str | None = None) -> requests.Response:
    return requests.get(
        f"{url or secured.url}/relationships",
        params={"urn": "urn:li:corpuser:nobody", "direction": "INCOMING"},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_create_prints_the_token_alone_on_the_last_line_and_stores_only_its_hash(secured: AuthServer) -> None:
    user = unique("ci-bot")
    output = mlcatalog(
        "token", "create", "--user", user, "--role", "reader", "--expires", "30d", "--database", secured.database_url
    )
    lines = output.stdout.strip().splitlines()
    token = lines[-1]
    assert token.startswith("mlc_") and " " not in token and len(token) > 40
    assert user in lines[0] and "reader" in lines[0]
    assert _status(secured, token).status_code == 200

    listing = mlcatalog("token", "list", "--database", secured.database_url).stdout
    assert user in listing and "active" in listing and token not in listing
    engine = create_engine(secured.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT * FROM mlcatalog_access_token WHERE user_name = :u"), {"u": user}).one()
    engine.dispose()
    assert token not in [str(value) for value in stored]
    assert len(stored.token_hash) == 64


def test_revocation_holds_on_the_next_request_in_every_server_process(secured: AuthServer, tmp_path: Path) -> None:
    user = unique("revoked-bot")
    token = create_token(secured.database_url, user, "editor")
    with ServerProcess(secured.database_url, tmp_path / "second.log", extra_args=["--auth"]) as second:
        assert _status(secured, token).status_code == 200
        assert _status(secured, token, second.url).status_code == 200

        revoked = mlcatalog("token", "revoke", token_id(secured.database_url, user), "--database", secured.database_url)
        assert "revoked" in revoked.stdout

        for url in (secured.url, second.url):
            reply = _status(secured, token, url)
            assert reply.status_code == 401
            assert "was revoked" in reply.json()["message"]
    assert "revoked" in mlcatalog("token", "list", "--database", secured.database_url).stdout


def test_expired_token_is_refused(secured: AuthServer) -> None:
    store = open_store(secured.database_url, migrate=False)
    try:
        issued_an_hour_ago = TokenService(SqlTokenStore(store.db), clock=lambda: time.time() - 3600)
        token = issued_an_hour_ago.create(unique("old-bot"), "reader", timedelta(minutes=5)).token
    finally:
        store.close()
    reply = _status(secured, token)
    assert reply.status_code == 401
    assert "expired" in reply.json()["message"]


def test_bad_cli_input_is_refused_with_the_reason(secured: AuthServer) -> None:
    bad_role = mlcatalog("token", "create", "--user", "x", "--role", "owner", "--database", secured.database_url, check=False)
    assert bad_role.returncode != 0 and "owner" in bad_role.stderr
    bad_expiry = mlcatalog(
        "token", "create", "--user", "x", "--role", "reader", "--expires", "soon", "--database", secured.database_url, check=False
    )
    assert bad_expiry.returncode != 0 and "30d" in bad_expiry.stderr
    unknown = mlcatalog("token", "revoke", "nope", "--database", secured.database_url, check=False)
    assert unknown.returncode != 0 and "not found" in unknown.stderr


def test_admins_manage_tokens_over_http(secured: AuthServer) -> None:
    api = f"{secured.url}/mlcatalog/v1/tokens"
    user = unique("api-bot")
    refused = requests.post(api, json={"user": user, "role": "admin"}, headers=secured.headers("editor"))
    assert refused.status_code == 403
    assert requests.get(api, headers=secured.headers("editor")).status_code == 403

    created = requests.post(api, json={"user": user, "role": "reader", "expires": "1d"}, headers=secured.headers("admin"))
    assert created.status_code == 201
    issued = created.json()
    assert _status(secured, issued["token"]).status_code == 200

    listed = requests.get(api, headers=secured.headers("admin")).json()["tokens"]
    mine = [t for t in listed if t["user"] == user]
    assert len(mine) == 1 and mine[0]["status"] == "active" and "token" not in mine[0] and "token_hash" not in mine[0]

    revoked = requests.delete(f"{api}/{issued['id']}", headers=secured.headers("admin"))
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert _status(secured, issued["token"]).status_code == 401
    bad = requests.post(api, json={"user": "has space", "role": "reader"}, headers=secured.headers("admin"))
    assert bad.status_code == 422 and "user" in bad.json()["message"]


def test_auth_is_on_by_default_beyond_loopback() -> None:
    assert not Settings(database_url="sqlite://", host="127.0.0.1").auth_enabled
    assert not Settings(database_url="sqlite://", host="localhost").auth_enabled
    assert not Settings(database_url="sqlite://", host="::1").auth_enabled
    assert Settings(database_url="sqlite://", host="0.0.0.0").auth_enabled
    assert Settings(database_url="sqlite://", host="10.1.2.3").auth_enabled
    assert not Settings(database_url="sqlite://", host="0.0.0.0", auth=False).auth_enabled


def test_env_switches_authentication_on(make_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = make_server(env={"MLCATALOG_AUTH": "true"})
    assert requests.get(f"{proc.url}/config").status_code == 200
    assert _status(None, "mlc_x", proc.url).status_code == 401  # type: ignore[arg-type]
