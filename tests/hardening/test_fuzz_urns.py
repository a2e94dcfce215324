"""Property tests of the URN parser: valid URNs round-trip, anything else is refused cleanly."""

from __future__ import annotations

import string

from datahub.metadata.urns import CorpUserUrn, DatasetUrn, MlModelGroupUrn, MlModelUrn, TagUrn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcatalog.errors import InvalidInput, LimitExceeded
from mlcatalog.registry import get_registry

REGISTRY = get_registry()
ENVS = ["PROD", "DEV", "TEST", "QA", "STG", "UAT", "EI", "PRE", "NON_PROD", "CORP", "SANDBOX"]
# Names as people write them; the URN syntax characters , ( ) are what the SDK itself refuses.
NAME = st.text(alphabet=string.ascii_letters + string.digits + "-_./:@ +#", min_size=1, max_size=60).filter(
    lambda s: s.strip() == s and s.strip()
)
PLATFORM = st.text(alphabet=string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=20)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(platform=PLATFORM, name=NAME, env=st.sampled_from(ENVS), model=st.booleans())
def test_ml_urns_round_trip(platform: str, name: str, env: str, model: bool) -> None:
    kind = MlModelUrn if model else MlModelGroupUrn
    urn = str(kind(platform=platform, name=name, env=env))
    parsed = REGISTRY.parse_urn(urn)
    assert parsed.urn == urn
    assert parsed.entity.name == ("mlModel" if model else "mlModelGroup")
    assert parsed.key_value == {"platform": f"urn:li:dataPlatform:{platform}", "name": name, "origin": env}
    assert REGISTRY.parse_urn(parsed.urn) == parsed


@FUZZ
@given(name=NAME, platform=PLATFORM, env=st.sampled_from(ENVS))
def test_other_entity_urns_round_trip(name: str, platform: str, env: str) -> None:
    for urn in (str(TagUrn(name)), str(CorpUserUrn(name)), str(DatasetUrn(platform, name, env))):
        parsed = REGISTRY.parse_urn(urn)
        assert parsed.urn == urn
        assert REGISTRY.parse_urn(parsed.urn).key_value == parsed.key_value


def _refused_or_parsed(text: str) -> None:
    try:
        parsed = REGISTRY.parse_urn(text)
    except (InvalidInput, LimitExceeded) as exc:
        assert exc.field == "urn" and exc.message.startswith("urn:")
        return
    assert parsed.urn.startswith("urn:li:")
    assert len(parsed.urn) <= REGISTRY.max_urn_length


@FUZZ
@given(st.text(max_size=600))
def test_arbitrary_text_never_crashes_the_parser(text: str) -> None:
    _refused_or_parsed(text)


URN_ALPHABET = st.sampled_from(["urn:li:", "(", ")", ",", ":", "%", "␟", "\x00", "PROD", "mlflow", "a", "🙂", " "])


@FUZZ
@given(
    entity=st.sampled_from([*sorted(REGISTRY.entities)[:40], "mlModelGroup", "mlModel", "dataPlatform", "nope", ""]),
    body=st.lists(URN_ALPHABET | st.text(max_size=5), max_size=30).map("".join),
)
def test_urn_shaped_text_never_crashes_the_parser(entity: str, body: str) -> None:
    _refused_or_parsed(f"urn:li:{entity}:{body}")
