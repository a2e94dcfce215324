"""Resolvers for the entity types of base.graphql, built over EntityRef."""

from __future__ import annotations

from typing import Any

from ariadne import InterfaceType, ObjectType, QueryType, UnionType
from graphql import GraphQLResolveInfo

from mlcatalog.api.graphql import convert
from mlcatalog.api.graphql.loader import EntityRef, loader_of, services_of
from mlcatalog.registry.graphql_names import graphql_entity_type
from mlcatalog.services.entities import DEFAULT_RELATIONSHIP_PAGE

# Entity types with a dedicated GraphQL type; the rest resolve to DataHub's placeholder "Restricted".
GRAPHQL_TYPES = {
    "mlModelGroup": "MLModelGroup",
    "mlModel": "MLModel",
    "dataset": "Dataset",
    "dataJob": "DataJob",
    "dataFlow": "DataFlow",
    "dataProcessInstance": "DataProcessInstance",
    "corpuser": "CorpUser",
    "corpGroup": "CorpGroup",
    "tag": "Tag",
    "glossaryTerm": "GlossaryTerm",
    "domain": "Domain",
    "container": "Container",
    "dataPlatform": "DataPlatform",
    "versionSet": "VersionSet",
}

query = QueryType()
entity_interface = InterfaceType("Entity")
owner_union = UnionType("OwnerType")


def graphql_type_name(ref: EntityRef, *_: Any) -> str:
    return GRAPHQL_TYPES.get(ref.entity_type, "Restricted")


entity_interface.set_type_resolver(graphql_type_name)
owner_union.set_type_resolver(graphql_type_name)


def _existing(info: GraphQLResolveInfo, urn: str, entity_type: str | None = None) -> EntityRef | None:
    ref = loader_of(info).ref(urn)
    if ref is None or not ref.exists or (entity_type and ref.entity_type != entity_type):
        return None
    return ref


@query.field("entity")
def resolve_entity(_: Any, info: GraphQLResolveInfo, urn: str) -> EntityRef | None:
    return _existing(info, urn)


@query.field("entities")
def resolve_entities(_: Any, info: GraphQLResolveInfo, urns: list[str]) -> list[EntityRef | None]:
    return [_existing(info, urn) for urn in urns]


for _field, _entity in [
    ("mlModelGroup", "mlModelGroup"),
    ("mlModel", "mlModel"),
    ("dataset", "dataset"),
    ("dataJob", "dataJob"),
    ("dataFlow", "dataFlow"),
    ("corpUser", "corpuser"),
    ("corpGroup", "corpGroup"),
    ("tag", "tag"),
    ("glossaryTerm", "glossaryTerm"),
    ("domain", "domain"),
    ("container", "container"),
]:
    query.set_field(_field, lambda _, info, urn, _e=_entity: _existing(info, urn, _e))


def relationships(ref: EntityRef, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    start, count = input.get("start") or 0, input.get("count") or DEFAULT_RELATIONSHIP_PAGE
    direction = input["direction"]
    include_removed = bool(input.get("includeSoftDelete"))
    total, related = services_of(info).entities.related(
        ref.urn, input.get("types") or [], direction, start, count, include_removed
    )
    items = [
        {
            "type": r.relationship,
            "direction": direction,
            "entity": loader_of(info).ref(r.urn),
            "created": {"time": r.created_on, "actor": r.created_actor} if r.created_on is not None else None,
        }
        for r in related
    ]
    return {"start": start, "count": len(items), "total": total, "relationships": items}


def _aspect_field(aspect: str) -> Any:
    return lambda ref, *_: ref.aspect(aspect)


class SharedFieldsType(ObjectType):
    """An object type that binds only the shared resolvers its SDL type declares."""

    def bind_resolvers_to_graphql_type(self, graphql_type: Any, replace_existing: bool = True) -> None:
        self._resolvers = {name: r for name, r in self._resolvers.items() if name in graphql_type.fields}
        super().bind_resolvers_to_graphql_type(graphql_type, replace_existing)


def _common(type_name: str) -> ObjectType:
    """Fields every entity type shares: identity, governance aspects, relationships."""
    obj = SharedFieldsType(type_name)
    obj.set_field("urn", lambda ref, *_: ref.urn)
    obj.set_field("type", lambda ref, *_: graphql_entity_type(ref.entity_type))
    obj.set_field("relationships", relationships)
    obj.set_field("exists", lambda ref, *_: ref.exists)
    obj.set_field("ownership", lambda ref, *_: convert.ownership(ref))
    obj.set_field("tags", lambda ref, *_: convert.global_tags(ref))
    obj.set_field("glossaryTerms", lambda ref, *_: convert.glossary_terms(ref))
    obj.set_field("domain", lambda ref, *_: convert.domain(ref))
    obj.set_field("institutionalMemory", lambda ref, *_: convert.institutional_memory(ref))
    obj.set_field("deprecation", _aspect_field("deprecation"))
    obj.set_field("status", _aspect_field("status"))
    obj.set_field("container", lambda ref, *_: ref.loader.ref((ref.aspect("container") or {}).get("container")))
    obj.set_field("platform", lambda ref, *_: convert.platform(ref))
    obj.set_field("dataPlatformInstance", lambda ref, *_: convert.platform_instance(ref))
    obj.set_field("origin", lambda ref, *_: ref.key.get("origin"))
    return obj


def _properties(ref: EntityRef, aspect: str, **defaults: Any) -> dict[str, Any] | None:
    value = ref.aspect(aspect)
    if value is None:
        return None
    result = {**defaults, **value}
    result["customProperties"] = convert.custom_properties(ref, value)
    for stamp_field in ("created", "lastModified"):
        if isinstance(value.get(stamp_field), dict):
            result[stamp_field] = convert.stamp(value[stamp_field])
    return result


def _id_from_urn(ref: EntityRef) -> str:
    return ref.urn.split(":", 3)[3]


ml_model_group = _common("MLModelGroup")
ml_model_group.set_field("name", lambda ref, *_: ref.key.get("name"))
ml_model_group.set_field("description", lambda ref, *_: (ref.aspect("mlModelGroupProperties") or {}).get("description"))
ml_model_group.set_field("properties", lambda ref, *_: _properties(ref, "mlModelGroupProperties"))

ml_model = _common("MLModel")
ml_model.set_field("name", lambda ref, *_: ref.key.get("name"))
ml_model.set_field("description", lambda ref, *_: (ref.aspect("mlModelProperties") or {}).get("description"))


@ml_model.field("properties")
def resolve_model_properties(ref: EntityRef, *_: Any) -> dict[str, Any] | None:
    result = _properties(ref, "mlModelProperties")
    if result is None:
        return None
    result["groups"] = [g for urn in result.get("groups") or [] if (g := ref.loader.ref(urn)) is not None]
    result["hyperParams"] = [_unwrap_value(p) for p in result.get("hyperParams") or []]
    result["trainingMetrics"] = [_unwrap_value(m) for m in result.get("trainingMetrics") or []]
    return result


def _unwrap_value(param: dict[str, Any]) -> dict[str, Any]:
    """MLHyperParam/MLMetric values are strings in the aspect; keep GraphQL's String."""
    return {**param, "value": None if param.get("value") is None else str(param["value"])}


dataset = _common("Dataset")
dataset.set_field("name", lambda ref, *_: ref.key.get("name"))
dataset.set_field("properties", lambda ref, *_: _properties(ref, "datasetProperties", name=ref.key.get("name")))

data_flow = _common("DataFlow")
data_flow.set_field("orchestrator", lambda ref, *_: ref.key.get("orchestrator"))
data_flow.set_field("flowId", lambda ref, *_: ref.key.get("flowId"))
data_flow.set_field("cluster", lambda ref, *_: ref.key.get("cluster"))
data_flow.set_field("platform", lambda ref, *_: ref.loader.ref(f"urn:li:dataPlatform:{ref.key.get('orchestrator')}"))
data_flow.set_field("properties", lambda ref, *_: _properties(ref, "dataFlowInfo"))

data_job = _common("DataJob")
data_job.set_field("jobId", lambda ref, *_: ref.key.get("jobId"))
data_job.set_field("dataFlow", lambda ref, *_: ref.loader.ref(ref.key.get("flow")))
data_job.set_field("properties", lambda ref, *_: _properties(ref, "dataJobInfo"))


@data_job.field("dataPlatformInstance")
def resolve_job_platform(ref: EntityRef, *_: Any) -> dict[str, Any] | None:
    found = convert.platform_instance(ref)
    if found is not None:
        return found
    flow = ref.loader.ref(ref.key.get("flow"))
    orchestrator = flow.key.get("orchestrator") if flow else None
    target = ref.loader.ref(f"urn:li:dataPlatform:{orchestrator}") if orchestrator else None
    return None if target is None else {"platform": target, "instanceId": None}


process_instance = _common("DataProcessInstance")
process_instance.set_field("name", lambda ref, *_: (ref.aspect("dataProcessInstanceProperties") or {}).get("name"))
process_instance.set_field("properties", lambda ref, *_: _properties(ref, "dataProcessInstanceProperties"))

corp_user = _common("CorpUser")
corp_user.set_field("username", lambda ref, *_: ref.key.get("username"))
corp_user.set_field("properties", lambda ref, *_: _properties(ref, "corpUserInfo", active=True))

corp_group = _common("CorpGroup")
corp_group.set_field("name", lambda ref, *_: ref.key.get("name"))
corp_group.set_field("properties", lambda ref, *_: _properties(ref, "corpGroupInfo"))

tag = _common("Tag")
tag.set_field("name", lambda ref, *_: (ref.aspect("tagProperties") or {}).get("name") or ref.key.get("name"))
tag.set_field("description", lambda ref, *_: (ref.aspect("tagProperties") or {}).get("description"))
tag.set_field("properties", lambda ref, *_: _properties(ref, "tagProperties", name=ref.key.get("name")))

glossary_term = _common("GlossaryTerm")
glossary_term.set_field("name", lambda ref, *_: (ref.aspect("glossaryTermInfo") or {}).get("name") or ref.key.get("name"))
glossary_term.set_field("hierarchicalName", lambda ref, *_: ref.key.get("name"))
glossary_term.set_field(
    "properties", lambda ref, *_: _properties(ref, "glossaryTermInfo", name=ref.key.get("name"), definition="")
)

domain = _common("Domain")
domain.set_field("id", lambda ref, *_: ref.key.get("id") or _id_from_urn(ref))
domain.set_field("properties", lambda ref, *_: _properties(ref, "domainProperties"))

container = _common("Container")
container.set_field("properties", lambda ref, *_: _properties(ref, "containerProperties"))
# DataHub declares Container.platform non-null; containers written without one get a placeholder.
container.set_field("platform", lambda ref, *_: convert.platform(ref) or ref.loader.ref("urn:li:dataPlatform:unknown"))

data_platform = _common("DataPlatform")
data_platform.set_field("name", lambda ref, *_: ref.key.get("platformName"))
data_platform.set_field("displayName", lambda ref, *_: (ref.aspect("dataPlatformInfo") or {}).get("displayName"))
data_platform.set_field("properties", lambda ref, *_: ref.aspect("dataPlatformInfo"))

restricted = _common("Restricted")

bindables = [
    query,
    entity_interface,
    owner_union,
    ml_model_group,
    ml_model,
    dataset,
    data_flow,
    data_job,
    process_instance,
    corp_user,
    corp_group,
    tag,
    glossary_term,
    domain,
    container,
    data_platform,
    restricted,
]
