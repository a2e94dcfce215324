"""Every patch builder the SDK ships, applied by a live server and read back as DataHub stores it.

Expected values follow DataHub's aspect templates (keyed arrays, path keys put back into
elements, defaults with required audit stamps) so a patch means the same thing on both servers.
"""

from __future__ import annotations

import datahub.metadata.schema_classes as models
import pytest
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.emitter.mcp_patch_builder import MetadataPatchProposal
from datahub.metadata.urns import MlModelGroupUrn, MlModelUrn
from datahub.sdk.mlmodel import MLModel
from datahub.sdk.mlmodelgroup import MLModelGroup
from datahub.specific.aspect_helpers.custom_properties import HasCustomPropertiesPatch
from datahub.specific.aspect_helpers.domains import HasDomainsPatch
from datahub.specific.aspect_helpers.institutional_memory import HasInstitutionalMemoryPatch
from datahub.specific.aspect_helpers.ownership import HasOwnershipPatch
from datahub.specific.aspect_helpers.structured_properties import HasStructuredPropertiesPatch
from datahub.specific.aspect_helpers.tags import HasTagsPatch
from datahub.specific.aspect_helpers.terms import HasTermsPatch
from datahub.specific.datajob import DataJobPatchBuilder
from datahub.specific.dataset import DatasetPatchBuilder
from datahub.specific.status import StatusPatchBuilder

from tests.compat.helpers import unique
from tests.writes.helpers import stored

ALICE, BOB = "urn:li:corpuser:alice", "urn:li:corpuser:bob"
JOB = "urn:li:dataJob:(urn:li:dataFlow:(airflow,train,prod),fit)"


class GroupPatch(
    HasOwnershipPatch,
    HasTagsPatch,
    HasTermsPatch,
    HasInstitutionalMemoryPatch,
    HasDomainsPatch,
    HasStructuredPropertiesPatch,
    HasCustomPropertiesPatch,
):
    """What an ML user writes: the SDK has no MLModelGroup builder, only these mixins."""

    def __init__(self, urn: str, properties_aspect: str = "mlModelGroupProperties") -> None:
        super().__init__(urn)
        self.properties_aspect = properties_aspect

    def _custom_properties_location(self):  # type: ignore[no-untyped-def]
        return self.properties_aspect, ("customProperties",)


@pytest.fixture
def group(client) -> str:  # type: ignore[no-untyped-def]
    name = unique("patched")
    client.entities.upsert(MLModelGroup(id=name, platform="mlflow", custom_properties={"stale": "x", "keep": "y"}))
    return str(MlModelGroupUrn(platform="mlflow", name=name))


def test_owners_add_remove_and_set(client, server, group) -> None:  # type: ignore[no-untyped-def]
    patch = GroupPatch(group)
    patch.add_owner(models.OwnerClass(owner=ALICE, type="TECHNICAL_OWNER"))
    patch.add_owner(models.OwnerClass(owner=BOB, type="BUSINESS_OWNER"))
    patch.add_owner(models.OwnerClass(owner=BOB, type="DATA_STEWARD"))
    client.entities.update(patch)
    owners = stored(server, group, "ownership")["owners"]
    assert [(o["owner"], o["type"]) for o in owners] == [
        (ALICE, "TECHNICAL_OWNER"),
        (BOB, "BUSINESS_OWNER"),
        (BOB, "DATA_STEWARD"),
    ]

    client.entities.update(GroupPatch(group).remove_owner(BOB))  # a prefix: every entry for bob
    assert [o["owner"] for o in stored(server, group, "ownership")["owners"]] == [ALICE]

    client.entities.update(GroupPatch(group).set_owners([models.OwnerClass(owner=BOB, type="NONE")]))
    assert stored(server, group, "ownership")["owners"] == [{"owner": BOB, "type": "NONE"}]
    assert client.entities.get(group).owners[0].owner == BOB  # the SDK parses what the patch produced


def test_tags_add_is_idempotent_and_remove_drops_it(client, server, group) -> None:  # type: ignore[no-untyped-def]
    client.entities.update(
        GroupPatch(group).add_tag(models.TagAssociationClass("urn:li:tag:a")).add_tag(models.TagAssociationClass("urn:li:tag:b"))
    )
    client.entities.update(GroupPatch(group).add_tag(models.TagAssociationClass("urn:li:tag:a")))
    assert stored(server, group, "globalTags") == {"tags": [{"tag": "urn:li:tag:a"}, {"tag": "urn:li:tag:b"}]}
    client.entities.update(GroupPatch(group).remove_tag("urn:li:tag:a"))
    assert stored(server, group, "globalTags") == {"tags": [{"tag": "urn:li:tag:b"}]}


def test_terms_get_the_required_audit_stamp(client, server, group) -> None:  # type: ignore[no-untyped-def]
    client.entities.update(GroupPatch(group).add_term(models.GlossaryTermAssociationClass("urn:li:glossaryTerm:Churn")))
    terms = stored(server, group, "glossaryTerms")
    assert terms["terms"] == [{"urn": "urn:li:glossaryTerm:Churn"}]
    assert terms["auditStamp"]["actor"] == "urn:li:corpuser:__datahub_system"
    client.entities.update(GroupPatch(group).remove_term("urn:li:glossaryTerm:Churn"))
    assert stored(server, group, "glossaryTerms")["terms"] == []
    assert [t.urn for t in client.entities.get(group).terms or []] == []


def test_links_are_keyed_by_url(client, server, group) -> None:  # type: ignore[no-untyped-def]
    stamp = models.AuditStampClass(time=1, actor=ALICE)
    url = "https://wiki.example.com/models/a/b"
    patch = GroupPatch(group).add_institutional_memory(models.InstitutionalMemoryMetadataClass(url, "first", stamp))
    client.entities.update(patch)
    client.entities.update(
        GroupPatch(group).add_institutional_memory(models.InstitutionalMemoryMetadataClass(url, "renamed", stamp))
    )
    elements = stored(server, group, "institutionalMemory")["elements"]
    assert [(e["url"], e["description"]) for e in elements] == [(url, "renamed")]


def test_domains_patch_targets_domain_associations(client, server, group) -> None:  # type: ignore[no-untyped-def]
    client.entities.update(GroupPatch(group).add_domain(models.DomainAssociationClass(domain="urn:li:domain:ml")))
    assert stored(server, group, "domains")["domainAssociations"] == [{"domain": "urn:li:domain:ml"}]
    client.entities.update(GroupPatch(group).remove_domain("urn:li:domain:ml"))
    assert stored(server, group, "domains")["domainAssociations"] == []


def test_structured_properties_set_replace_and_remove(client, server, group) -> None:  # type: ignore[no-untyped-def]
    for name, value_type, cardinality in [("io.acryl.tier", "string", "SINGLE"), ("io.acryl.sla", "number", "MULTIPLE")]:
        definition = models.StructuredPropertyDefinitionClass(
            qualifiedName=name, valueType=f"urn:li:dataType:datahub.{value_type}", cardinality=cardinality, entityTypes=[]
        )
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=f"urn:li:structuredProperty:{name}", aspect=definition))
    client.entities.update(
        GroupPatch(group).set_structured_property("io.acryl.tier", "gold").set_structured_property("io.acryl.sla", [1.5, 2])
    )
    client.entities.update(GroupPatch(group).set_structured_property("io.acryl.tier", "silver"))
    properties = {p["propertyUrn"]: p["values"] for p in stored(server, group, "structuredProperties")["properties"]}
    assert properties == {
        "urn:li:structuredProperty:io.acryl.tier": [{"string": "silver"}],
        "urn:li:structuredProperty:io.acryl.sla": [{"double": 1.5}, {"double": 2}],
    }
    client.entities.update(GroupPatch(group).remove_structured_property("io.acryl.tier"))
    assert [p["propertyUrn"] for p in stored(server, group, "structuredProperties")["properties"]] == [
        "urn:li:structuredProperty:io.acryl.sla"
    ]


def test_custom_properties_add_remove_set(client, server, group) -> None:  # type: ignore[no-untyped-def]
    client.entities.update(GroupPatch(group).add_custom_property("team", "recs").remove_custom_property("stale"))
    assert stored(server, group, "mlModelGroupProperties")["customProperties"] == {"keep": "y", "team": "recs"}
    client.entities.update(GroupPatch(group).remove_custom_property("never-there"))  # absent key: no-op
    client.entities.update(GroupPatch(group).set_custom_properties({"only": "this"}))
    assert client.entities.get(group).custom_properties == {"only": "this"}


def test_hand_made_ops_on_ml_properties(client, server, group) -> None:  # type: ignore[no-untyped-def]
    model = MLModel(id=unique("m"), platform="mlflow")
    client.entities.upsert(model)
    patch = MetadataPatchProposal(group)
    patch._add_patch("mlModelGroupProperties", "add", ("description",), "new description")
    patch._add_patch("mlModelGroupProperties", "add", ("trainingJobs", JOB), JOB)
    client.entities.update(patch)
    client.entities.update(patch)  # the set semantics: no duplicate
    properties = stored(server, group, "mlModelGroupProperties")
    assert (properties["description"], properties["trainingJobs"]) == ("new description", [JOB])

    model_patch = MetadataPatchProposal(str(model.urn))
    model_patch._add_patch("mlModelProperties", "add", ("groups", group), group)
    model_patch._add_patch("mlModelProperties", "add", ("customProperties", "k"), "v")
    client.entities.update(model_patch)
    assert client.entities.get(model.urn).model_group == group


def test_patch_on_a_missing_aspect_starts_from_the_default(client, server) -> None:  # type: ignore[no-untyped-def]
    model = MLModel(id=unique("fresh"), platform="mlflow")
    client.entities.upsert(model)
    client.entities.update(GroupPatch(str(model.urn), "mlModelProperties").add_custom_property("a", "1"))
    assert stored(server, str(model.urn), "mlModelProperties")["customProperties"] == {"a": "1"}


def test_status_patch_as_ingestion_sends_it(client, server, group) -> None:  # type: ignore[no-untyped-def]
    client._graph.emit_mcps(StatusPatchBuilder(group).set_removed(True).build())
    assert stored(server, group, "status") == {"removed": True}


def test_dataset_builder(client, server) -> None:  # type: ignore[no-untyped-def]
    urn = f"urn:li:dataset:(urn:li:dataPlatform:hive,{unique('db.t')},PROD)"
    up1, up2 = (f"urn:li:dataset:(urn:li:dataPlatform:hive,{n},PROD)" for n in ("up1", "up2"))
    field = f"urn:li:schemaField:({urn},id)"
    source_field = f"urn:li:schemaField:({up1},id)"
    patch = DatasetPatchBuilder(urn)
    patch.set_description("orders").set_display_name("Orders").set_qualified_name("db.orders")
    patch.add_custom_property("owner_team", "sales")
    patch.add_upstream_lineage(models.UpstreamClass(dataset=up1, type="TRANSFORMED"))
    patch.add_upstream_lineage(models.UpstreamClass(dataset=up2, type="COPY"))
    patch.add_fine_grained_upstream_lineage(
        models.FineGrainedLineageClass(
            upstreamType="FIELD_SET", upstreams=[source_field], downstreamType="FIELD", downstreams=[field]
        )
    )
    patch.for_field("id").add_tag(models.TagAssociationClass("urn:li:tag:pii")).add_term(
        models.GlossaryTermAssociationClass("urn:li:glossaryTerm:Id")
    )
    client._graph.emit_mcps(patch.build())

    properties = stored(server, urn, "datasetProperties")
    assert (properties["description"], properties["name"], properties["qualifiedName"]) == ("orders", "Orders", "db.orders")
    assert properties["customProperties"] == {"owner_team": "sales"}
    lineage = stored(server, urn, "upstreamLineage")
    assert [(u["dataset"], u["type"]) for u in lineage["upstreams"]] == [(up1, "TRANSFORMED"), (up2, "COPY")]
    assert lineage["fineGrainedLineages"] == [
        {
            "upstreamType": "FIELD_SET",
            "upstreams": [source_field],
            "downstreamType": "FIELD",
            "downstreams": [field],
            "confidenceScore": 1.0,
            "transformOperation": "NONE",
        }
    ]
    field_info = stored(server, urn, "editableSchemaMetadata")["editableSchemaFieldInfo"]
    assert field_info[0]["fieldPath"] == "id"  # restored from the path, as DataHub does
    assert field_info[0]["globalTags"] == {"tags": [{"tag": "urn:li:tag:pii"}]}
    assert field_info[0]["glossaryTerms"]["terms"] == [{"urn": "urn:li:glossaryTerm:Id"}]

    removal = DatasetPatchBuilder(urn).remove_upstream_lineage(up1)
    removal.for_field("id").remove_tag("urn:li:tag:pii")
    removal.remove_fine_grained_upstream_lineage(
        models.FineGrainedLineageClass(
            upstreamType="FIELD_SET", upstreams=[source_field], downstreamType="FIELD", downstreams=[field]
        )
    )
    client._graph.emit_mcps(removal.build())
    lineage = stored(server, urn, "upstreamLineage")
    assert [u["dataset"] for u in lineage["upstreams"]] == [up2]
    assert lineage["fineGrainedLineages"] == []
    assert stored(server, urn, "editableSchemaMetadata")["editableSchemaFieldInfo"][0]["globalTags"] == {"tags": []}
    assert client._graph.get_aspect(urn, models.EditableSchemaMetadataClass) is not None  # parses


def test_datajob_builder(client, server) -> None:  # type: ignore[no-untyped-def]
    urn = f"urn:li:dataJob:(urn:li:dataFlow:(airflow,{unique('flow')},prod),task)"
    upstream_job = "urn:li:dataJob:(urn:li:dataFlow:(airflow,other,prod),extract)"
    inp, out = (f"urn:li:dataset:(urn:li:dataPlatform:hive,{n},PROD)" for n in ("in", "out"))
    in_field = f"urn:li:schemaField:({inp},a)"
    info = models.DataJobInfoClass(name="task", type="COMMAND")
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=info))  # name and type are required
    patch = DataJobPatchBuilder(urn)
    patch.add_input_datajob(upstream_job).add_input_dataset(inp).add_output_dataset(out)
    patch.add_input_dataset_field(in_field).add_custom_property("schedule", "daily")
    client._graph.emit_mcps(patch.build())
    client._graph.emit_mcps(DataJobPatchBuilder(urn).add_input_dataset(inp).build())  # again: still one edge

    io = stored(server, urn, "dataJobInputOutput")
    assert [e["destinationUrn"] for e in io["inputDatajobEdges"]] == [upstream_job]
    assert [e["destinationUrn"] for e in io["inputDatasetEdges"]] == [inp]
    assert [e["destinationUrn"] for e in io["outputDatasetEdges"]] == [out]
    assert io["inputDatasetFields"] == [in_field]
    assert (io["inputDatasets"], io["outputDatasets"]) == ([], [])  # required legacy fields from the default
    assert stored(server, urn, "dataJobInfo")["customProperties"] == {"schedule": "daily"}

    client._graph.emit_mcps(DataJobPatchBuilder(urn).remove_input_dataset(inp).remove_input_dataset_field(in_field).build())
    io = stored(server, urn, "dataJobInputOutput")
    assert (io["inputDatasetEdges"], io["inputDatasetFields"]) == ([], [])
    assert client._graph.get_aspect(urn, models.DataJobInputOutputClass) is not None


def test_a_patch_that_breaks_the_schema_is_refused_and_changes_nothing(client, server, group) -> None:  # type: ignore[no-untyped-def]
    before = stored(server, group, "mlModelGroupProperties")
    patch = MetadataPatchProposal(group)
    patch._add_patch("mlModelGroupProperties", "add", ("customProperties", "n"), 5)  # must be a string
    with pytest.raises(Exception, match="customProperties"):
        client.entities.update(patch)
    assert stored(server, group, "mlModelGroupProperties") == before


def test_model_urn_patch_on_unknown_entity_is_refused_by_the_sdk(client) -> None:  # type: ignore[no-untyped-def]
    urn = str(MlModelUrn(platform="mlflow", name=unique("absent")))
    with pytest.raises(Exception, match="does not exist"):
        client.entities.update(GroupPatch(urn, "mlModelProperties").add_custom_property("a", "b"))
