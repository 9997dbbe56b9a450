from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockserver.core.validation import SCHEMA_BASE, SchemaStore
from mockserver.paths import data_dir

EXAMPLES = sorted((data_dir("fixtures") / "examples").rglob("*.json"))


@pytest.fixture(scope="module")
def schemas() -> SchemaStore:
    return SchemaStore(data_dir("schemas"))


def test_every_schema_is_a_valid_2020_12_schema_with_its_id(schemas: SchemaStore) -> None:
    assert "outx/interactions-response" in schemas.names()
    for name in schemas.names():
        document = schemas.document(name)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["$id"] == f"{SCHEMA_BASE}{name}.json"
        schemas.validator(name)  # compiles, and checks the schema itself


def test_objects_with_documented_fields_are_closed(schemas: SchemaStore) -> None:
    """An object schema that lists its properties closes itself, or says explicitly (with a
    description) why it stays open, as for task_input, which echoes whatever the caller sent."""
    conditional = ("/if", "/then", "/else", "/not")  # constrain objects defined elsewhere

    def constrains_elsewhere(node: dict, where: str) -> bool:
        # So does a branch of anyOf/allOf/oneOf without a type of its own (e.g. Nyne's request shapes).
        branch = any(f"/{word}/" in where for word in ("anyOf", "allOf", "oneOf"))
        return where.endswith(conditional) or (branch and "type" not in node)

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if "properties" in node and not constrains_elsewhere(node, where):
                extra = node.get("additionalProperties", "implicit")
                assert extra is False or (extra is True and "description" in node), \
                    f"{where} leaves additionalProperties open"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")
    for name in schemas.names():
        walk(schemas.document(name), name)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_documented_examples_validate(schemas: SchemaStore, example: Path) -> None:
    name = f"{example.parent.name}/{example.stem}"
    assert schemas.violations(name, json.loads(example.read_text())) == []


def test_violations_carry_json_paths(schemas: SchemaStore) -> None:
    example = json.loads((data_dir("fixtures") / "examples/outx/interactions-response.json").read_text())
    example["data"][0]["created_at"] = "2024-01-16"
    del example["data"][0]["post"]["post_author"]["headline"]
    example["pagination"]["surprise"] = 1
    found = [str(v) for v in schemas.violations("outx/interactions-response", example)]
    assert any(v.startswith("at $.data[0].created_at:") for v in found)
    assert any(v.startswith("at $.data[0].post.post_author:") and "headline" in v for v in found)
    assert any(v.startswith("at $.pagination:") and "surprise" in v for v in found)


def test_a_schema_with_the_wrong_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps({"$id": "https://example.invalid/y.json"}))
    with pytest.raises(ValueError, match=r"\$id must be"):
        SchemaStore(tmp_path)


def test_unknown_schema_names_list_the_known_ones(schemas: SchemaStore) -> None:
    with pytest.raises(KeyError, match="outx/error"):
        schemas.document("outx/nope")
