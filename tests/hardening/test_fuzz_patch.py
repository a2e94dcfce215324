"""Property tests of the patch engine: add/remove round trips, idempotence, and only InvalidInput on bad input."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcatalog.errors import InvalidInput
from mlcatalog.registry import get_registry
from mlcatalog.services.patch import apply_patch

REGISTRY = get_registry()
NOW = 1_700_000_000_000
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ID = st.text(alphabet=string.ascii_letters + string.digits + "-_.~/", min_size=1, max_size=20)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
SEGMENT = st.sampled_from(["tags", "owners", "terms", "-", "0", "1", "customProperties", "trainingJobs", "~1", ""]) | ID
PATH = st.lists(SEGMENT, max_size=5).map(lambda parts: "/" + "/".join(parts)) | st.text(max_size=12) | st.integers()
OP = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "remove", "replace", "copy", "test"]) | st.text(max_size=5), "path": PATH},
    optional={"value": JSON},
)
DOCUMENT = (
    st.lists(OP | JSON, max_size=6)
    | st.fixed_dictionaries(
        {"patch": st.lists(OP, max_size=6)},
        optional={"arrayPrimaryKeys": st.dictionaries(st.text(max_size=8), st.lists(JSON, max_size=3) | JSON, max_size=3)},
    )
    | JSON
)
ASPECTS = ["globalTags", "ownership", "glossaryTerms", "mlModelGroupProperties", "institutionalMemory", "status"]


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _tag(name: str) -> str:
    return f"urn:li:tag:{name}"


@FUZZ
@given(aspect=st.sampled_from(ASPECTS), current=st.none() | st.dictionaries(st.text(max_size=8), JSON, max_size=3), doc=DOCUMENT)
def test_arbitrary_patches_never_crash(aspect: str, current: dict[str, Any] | None, doc: Any) -> None:
    spec = REGISTRY.aspects[aspect]
    try:
        result = apply_patch(spec, current, doc, NOW)
    except InvalidInput as exc:
        assert exc.message
        return
    assert isinstance(result, dict)


@FUZZ
@given(existing=st.lists(ID, max_size=5, unique=True), added=st.lists(ID, min_size=1, max_size=5, unique=True))
def test_adding_then_removing_tags_round_trips(existing: list[str], added: list[str]) -> None:
    spec = REGISTRY.aspects["globalTags"]
    start = {"tags": [{"tag": _tag(name)} for name in existing]}
    fresh = [name for name in added if name not in existing]
    with_added = apply_patch(
        spec, start, [{"op": "add", "path": f"/tags/{_escape(_tag(n))}", "value": {"tag": _tag(n)}} for n in fresh], NOW
    )
    assert [t["tag"] for t in with_added["tags"]] == [_tag(n) for n in existing + fresh]
    removed = apply_patch(spec, with_added, [{"op": "remove", "path": f"/tags/{_escape(_tag(n))}"} for n in fresh], NOW)
    assert removed == start


@FUZZ
@given(
    owners=st.lists(st.tuples(ID, st.sampled_from(["TECHNICAL_OWNER", "BUSINESS_OWNER", "DATAOWNER"])), min_size=1, max_size=5)
)
def test_adding_owners_is_idempotent(owners: list[tuple[str, str]]) -> None:
    spec = REGISTRY.aspects["ownership"]
    ops = [
        {
            "op": "add",
            "path": f"/owners/{_escape('urn:li:corpuser:' + user)}/{kind}",
            "value": {"owner": f"urn:li:corpuser:{user}", "type": kind},
        }
        for user, kind in owners
    ]
    once = apply_patch(spec, None, ops, NOW)
    twice = apply_patch(spec, once, ops, NOW)
    assert once == twice
    assert {(o["owner"], o["type"]) for o in once["owners"]} == {(f"urn:li:corpuser:{u}", k) for u, k in owners}
    spec.validate(once)


@FUZZ
@given(properties=st.dictionaries(ID, st.text(max_size=20), max_size=6))
def test_custom_property_patches_round_trip(properties: dict[str, str]) -> None:
    spec = REGISTRY.aspects["mlModelGroupProperties"]
    ops = [{"op": "add", "path": f"/customProperties/{_escape(k)}", "value": v} for k, v in properties.items()]
    added = apply_patch(spec, {"customProperties": {}}, ops, NOW)
    assert added["customProperties"] == properties
    emptied = apply_patch(spec, added, [{"op": "remove", "path": f"/customProperties/{_escape(k)}"} for k in properties], NOW)
    assert emptied["customProperties"] == {}
