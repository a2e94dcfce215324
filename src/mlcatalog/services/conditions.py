"""Optimistic concurrency as DataHub's ConditionalWriteValidator defines it.

A proposal may carry headers (in the MCP's ``headers`` map, or on the HTTP request):
``If-Version-Match: N`` holds when the aspect's current version is N (``-1``: it does not exist);
``If-Unmodified-Since`` / ``If-Modified-Since`` (ISO-8601 or HTTP dates) compare with the time the
current version was written. A condition that does not hold refuses the whole batch with 412.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from mlcatalog.errors import InvalidInput, PreconditionFailed

IF_VERSION_MATCH = "If-Version-Match"
IF_UNMODIFIED_SINCE = "If-Unmodified-Since"
IF_MODIFIED_SINCE = "If-Modified-Since"
CONDITIONAL_HEADERS = (IF_VERSION_MATCH, IF_UNMODIFIED_SINCE, IF_MODIFIED_SINCE)
ABSENT_VERSION = "-1"
_CREATES = {"CREATE", "CREATE_ENTITY"}
_NEVER = -(2**63)


def header(headers: dict[str, str], name: str) -> str | None:
    """Header lookup ignoring case, as HTTP does."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return str(value)
    return None


def check(headers: dict[str, str], change_type: str, version: int | None, modified_ms: int | None) -> None:
    """Raise ``PreconditionFailed`` unless every conditional header holds for the current aspect.

    ``version`` is the current version number (None when the aspect is absent); ``modified_ms``
    when it was written. RESTATE is never conditional, as on DataHub.
    """
    if not headers or change_type == "RESTATE":
        return
    expected = header(headers, IF_VERSION_MATCH)
    if expected is not None:
        actual = ABSENT_VERSION if change_type in _CREATES or version is None else str(version)
        if expected.strip() != actual:
            raise PreconditionFailed(f"{IF_VERSION_MATCH}: expected version {expected.strip()}, actual version {actual}")
    last = _NEVER if change_type in _CREATES or modified_ms is None else modified_ms
    unmodified = header(headers, IF_UNMODIFIED_SINCE)
    if unmodified is not None and last > (limit := parse_time(unmodified, IF_UNMODIFIED_SINCE)):
        raise PreconditionFailed(f"{IF_UNMODIFIED_SINCE}: the aspect was modified at {last} ms, after {limit} ms")
    modified = header(headers, IF_MODIFIED_SINCE)
    if modified is not None and last <= (limit := parse_time(modified, IF_MODIFIED_SINCE)):
        raise PreconditionFailed(f"{IF_MODIFIED_SINCE}: the aspect was last modified at {last} ms, not after {limit} ms")


def parse_time(value: str, name: str) -> int:
    """Epoch milliseconds from ISO-8601 (``2024-05-01T10:00:00Z``, DataHub's form) or an HTTP date."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"{name}: {value!r} is neither an ISO-8601 instant nor an HTTP date", field=name) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
