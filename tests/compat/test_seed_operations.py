"""Every operation of the ML Model Group page, through the official SDK, on both write protocols."""

from __future__ import annotations

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.emitter import mce_builder
from datahub.metadata.urns import CorpUserUrn, DomainUrn, GlossaryTermUrn, MlModelGroupUrn, TagUrn
from datahub.sdk.mlmodel import MLModel
from datahub.sdk.mlmodelgroup import MLModelGroup

from tests.compat.helpers import unique


@pytest.fixture
def group(client):  # type: ignore[no-untyped-def]
    name = unique("recommendation-models")
    client.entities.upsert(
        MLModelGroup(
            id=name,
            name="Recommendation Models",
            platform="mlflow",
            description="Grouping of ml model related to home page recommendations",
            custom_properties={"framework": "pytorch"},
        )
    )
    return MlModelGroupUrn(platform="mlflow", name=name, env="PROD")


def test_created_group_reads_back_with_properties(client, group) -> None:  # type: ignore[no-untyped-def]
    fetched = client.entities.get(group)
    assert fetched.name == "Recommendation Models"
    assert fetched.description == "Grouping of ml model related to home page recommendations"
    assert fetched.custom_properties == {"framework": "pytorch"}
    assert fetched.platform is not None and fetched.platform.platform_name == "mlflow"


def test_training_job_is_stored_and_becomes_an_edge(client, group, server) -> None:  # type: ignore[no-untyped-def]
    job = mce_builder.make_data_job_urn(orchestrator="airflow", flow_id="train_recs", job_id="training_task")
    fetched = client.entities.get(group)
    fetched.add_training_job(job)
    client.entities.update(fetched)

    assert client.entities.get(group).training_jobs == [job]
    reply = requests.get(
        f"{server.url}/relationships", params={"urn": str(group), "direction": "OUTGOING", "types": "TrainedBy"}
    ).json()
    assert [r["entity"] for r in reply["relationships"]] == [job]


def test_governance_aspects_round_trip(client, group) -> None:  # type: ignore[no-untyped-def]
    fetched = client.entities.get(group)
    fetched.add_owner(CorpUserUrn("data_science_team"))
    fetched.add_tag(TagUrn("production-ready"))
    fetched.add_term(GlossaryTermUrn("Recommendation"))
    fetched.add_link(("https://wiki.example.com/ml/recommendation-models", "Model architecture"))
    fetched.set_domain(DomainUrn(id="marketing"))
    client.entities.update(fetched)

    again = client.entities.get(group)
    assert [(o.owner, o.type) for o in again.owners or []] == [("urn:li:corpuser:data_science_team", "TECHNICAL_OWNER")]
    assert [t.tag for t in again.tags or []] == ["urn:li:tag:production-ready"]
    assert [t.urn for t in again.terms or []] == ["urn:li:glossaryTerm:Recommendation"]
    assert [(link.url, link.description) for link in again.links or []] == [
        ("https://wiki.example.com/ml/recommendation-models", "Model architecture")
    ]
    assert str(again.domain) == "urn:li:domain:marketing"


def test_deprecation_keeps_note_and_time(client, group) -> None:  # type: ignore[no-untyped-def]
    fetched = client.entities.get(group)
    fetched._set_aspect(
        models.DeprecationClass(
            deprecated=True, note="replaced by transformers", decommissionTime=1767225600000, actor="urn:li:corpuser:datahub"
        )
    )
    client.entities.update(fetched)

    deprecation = client.entities.get(group)._get_aspect(models.DeprecationClass)
    assert deprecation is not None
    assert (deprecation.deprecated, deprecation.note, deprecation.decommissionTime) == (
        True,
        "replaced by transformers",
        1767225600000,
    )


def test_model_joins_group_and_is_listed_as_member(client, group, server) -> None:  # type: ignore[no-untyped-def]
    model = MLModel(id=unique("recs-model"), platform="mlflow")
    model.set_model_group(group)
    client.entities.upsert(model)

    assert client.entities.get(model.urn).model_group == str(group)
    reply = requests.get(
        f"{server.url}/relationships", params={"urn": str(group), "direction": "INCOMING", "types": "MemberOf"}
    ).json()
    assert reply["relationships"] == [
        {"type": "MemberOf", "entity": str(model.urn), "created": reply["relationships"][0]["created"]}
    ]
    assert reply["total"] == 1


def test_update_rewrites_only_what_changed(client, group, server) -> None:  # type: ignore[no-untyped-def]
    """get + update re-sends every aspect; unchanged ones must not gain versions."""
    fetched = client.entities.get(group)
    fetched.add_tag(TagUrn("one"))
    client.entities.update(fetched)
    client.entities.update(client.entities.get(group))

    def version(aspect: str, n: int) -> int:
        return requests.get(
            f"{server.url}/aspects/{requests.utils.quote(str(group), safe='')}", params={"aspect": aspect, "version": n}
        ).status_code

    assert version("mlModelGroupProperties", 1) == 404  # never changed: only version 0
    assert version("globalTags", 0) == 200


def test_soft_then_hard_delete(client, group) -> None:  # type: ignore[no-untyped-def]
    client.entities.delete(group)
    status = client.entities.get(group)._get_aspect(models.StatusClass)
    assert status is not None and status.removed is True  # soft-deleted entities still exist

    client.entities.delete(group, hard=True)
    assert not client._graph.exists(str(group))
    with pytest.raises(Exception, match=r"not found|does not exist"):
        client.entities.get(group)


def test_relationships_accept_every_types_syntax(server, client, group) -> None:  # type: ignore[no-untyped-def]
    model = MLModel(id=unique("syntax-model"), platform="mlflow")
    model.set_model_group(group)
    client.entities.upsert(model)
    base = f"{server.url}/relationships?direction=INCOMING&urn={requests.utils.quote(str(group), safe='')}"
    for types in ("types=MemberOf", "types=List(MemberOf,OwnedBy)", "types=MemberOf&types=OwnedBy", "types[0]=MemberOf"):
        reply = requests.get(f"{base}&{types}").json()
        assert [r["entity"] for r in reply["relationships"]] == [str(model.urn)], types
    paged = requests.get(f"{base}&types=MemberOf&start=1&count=10").json()
    assert (paged["start"], paged["count"], paged["total"], paged["relationships"]) == (1, 0, 1, [])
