"""schemathesis over /openapi.json, with authentication off and on: no 5xx, and no call gets past auth.

Whatever operations the document describes are fuzzed, so this grows with the document.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from mlcatalog.api.auth import PUBLIC_PATHS
from tests.support.server import ServerProcess
from tests.support.tokens import AuthServer

EXAMPLES = 100
Check = Callable[[object, requests.Response], None]


def _fuzz(url: str, headers: dict[str, str], check: Check) -> None:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [op for op in (result.ok() for result in schema.get_all_operations()) if _fuzzable(op.path)]
    assert operations, "the OpenAPI document lists no operations"

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=st.one_of([operation.as_strategy() for operation in operations]))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(base_url=url, headers=headers, timeout=30)
        check(case, response)

    run()


def _fuzzable(path: str) -> bool:
    """Streams (server-sent events) never end, so they are no request/response call to fuzz; webhooks
    would make the server send requests to whatever URL the fuzzer invents, and tests talk to 127.0.0.1 only."""
    return not path.endswith("/stream") and not path.startswith("/openapi/v1/webhooks")


def _no_server_error(case, response: requests.Response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"


def _changes(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            tokens = conn.execute(text("SELECT count(*), count(revoked_on) FROM mlcatalog_access_token")).one()
            changes = conn.execute(text("SELECT coalesce(max(seq), 0) FROM metadata_change_log")).scalar()
        return hash((int(changes or 0), *tokens))
    finally:
        engine.dispose()


def test_no_5xx_with_auth_off(server: ServerProcess) -> None:
    _fuzz(server.url, {}, _no_server_error)


def test_no_5xx_for_an_admin(secured: AuthServer) -> None:
    _fuzz(secured.url, secured.headers("admin"), _no_server_error)


@pytest.mark.parametrize("credentials", ["none", "wrong"])
def test_nothing_but_public_paths_answers_without_a_valid_token(secured: AuthServer, credentials: str) -> None:
    headers = {} if credentials == "none" else {"Authorization": "Bearer mlc_guessed"}
    before = _changes(secured.database_url)

    def check(case, response: requests.Response) -> None:  # type: ignore[no-untyped-def]
        _no_server_error(case, response)
        if case.formatted_path not in PUBLIC_PATHS:
            assert response.status_code in {401, 404, 405, 413}, f"{case.method} {case.formatted_path} -> {response.status_code}"

    _fuzz(secured.url, headers, check)
    assert _changes(secured.database_url) == before


def test_a_reader_changes_nothing(secured: AuthServer) -> None:
    before = _changes(secured.database_url)

    def check(case, response: requests.Response) -> None:  # type: ignore[no-untyped-def]
        _no_server_error(case, response)
        if case.method.upper() not in {"GET", "HEAD", "OPTIONS"} and response.status_code < 300:
            assert _changes(secured.database_url) == before, f"reader changed data with {case.method} {case.formatted_path}"

    _fuzz(secured.url, secured.headers("reader"), check)
    assert _changes(secured.database_url) == before
