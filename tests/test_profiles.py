"""Profile detection: each record shape is recognised as its profile."""

from __future__ import annotations

from collections import Counter

import jsonschema
import pytest

import biblint
import biblint.rules
from biblint.engine import Linter
from biblint.profiles import PROFILES, detect_profile, get_profile
from biblint.readers import read_path

from .conftest import FIXTURES, SEED, corpus_or_skip

SAMPLES = {
    "s2": "s2.json",
    "crossref": "crossref.json",
    "openalex": "openalex.json",
    "csl": "csl.json",
    "datacite": "datacite.json",
}


def _profiles_of(*paths):
    counts: Counter[str] = Counter()
    linter = Linter()
    for path, _ in linter.discover(paths):
        for raw in read_path(path).records:
            if raw.data is not None:
                counts[detect_profile(raw.data).name] += 1
    return counts


def test_seed_is_aggregator():
    assert _profiles_of(SEED) == {"aggregator": 1}


@pytest.mark.parametrize(("name", "filename"), SAMPLES.items())
def test_bundled_samples_are_recognised(name, filename):
    assert _profiles_of(FIXTURES / "profiles" / filename) == {name: 1}


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_profile_schemas_are_valid_json_schemas(profile):
    schema = profile.load_schema()
    if schema is None:
        assert profile.name == "generic"
        return
    jsonschema.validators.validator_for(schema).check_schema(schema)


def test_unknown_profile_is_an_error():
    with pytest.raises(ValueError, match="unknown profile 'nope'"):
        get_profile("nope")
    with pytest.raises(biblint.ConfigError):
        Linter(biblint.Config(profile="nope"))


def test_forced_profile_overrides_detection():
    data = {"DOI": "10.1000/x", "title": ["T"], "member": "1"}
    assert detect_profile(data).name == "crossref"
    record = Linter(biblint.Config(profile="generic")).make_record(data)
    assert record.profile.name == "generic"


# Records of each shape in ../shared/corpus, by folder: the share recognised as that shape.
CORPUS_SHAPES = {
    "s2-json": ("s2", 1.0),
    "crossref-json": ("crossref", 0.99),  # one is a validation-failure error body, no work
    "openalex-json": ("openalex", 1.0),
    "csl-json": ("csl", 1.0),
    "datacite-json": ("datacite", 0.99),  # bolognese's internal hyphenated flavour
}


@pytest.mark.corpus
@pytest.mark.parametrize(("folder", "expected"), CORPUS_SHAPES.items())
def test_corpus_shapes_are_recognised(folder, expected):
    corpus = corpus_or_skip()
    name, share = expected
    counts = _profiles_of(corpus / folder)
    total = sum(counts.values())
    assert total > 0
    assert counts[name] / total >= share, dict(counts)


# -- profiles are data ---------------------------------------------------------------------


def test_every_convention_is_read_by_a_rule() -> None:
    """Each member of the enum is referenced by a rule module (a declared convention that no
    rule reads is a promise nothing keeps)."""
    from pathlib import Path

    from biblint.profiles import Convention

    rules = Path(biblint.rules.__file__).parent
    source = "\n".join(path.read_text(encoding="utf-8") for path in rules.glob("*.py"))
    unread = [c.name for c in Convention if f"Convention.{c.name}" not in source]
    assert unread == []


def test_no_rule_module_tests_a_profile_name() -> None:
    import re
    from pathlib import Path

    rules = Path(biblint.rules.__file__).parent
    tests = [f"{path.name}: {line.strip()}" for path in rules.glob("*.py")
             for line in path.read_text(encoding="utf-8").splitlines()
             if re.search(r"profile\.name\s*(?:==|!=|\bin\b|\bnot in\b)|\.get\(record\.profile"
                          r"\.name", line)]
    assert tests == []


def test_a_profile_is_validated_when_built() -> None:
    from biblint.profiles import Convention, Profile, ProfileError

    made = Profile("p", "P", {"doi": ("/d",)}, lambda d: 0, conventions=frozenset({"doi-as-url"}))
    assert made.conventions == {Convention.DOI_AS_URL}
    with pytest.raises(ProfileError, match="unknown convention 'doi-lowercase'"):
        Profile("p", "P", {}, lambda d: 0, conventions=frozenset({"doi-lowercase"}))
    with pytest.raises(ProfileError, match="unknown canonical field 'heading'"):
        Profile("p", "P", {"heading": ("/h",)}, lambda d: 0)
    with pytest.raises(ProfileError, match="not a JSON Pointer"):
        Profile("p", "P", {"title": ("title",)}, lambda d: 0)
    with pytest.raises(ProfileError, match="unknown vocabulary"):
        Profile("p", "P", {}, lambda d: 0, type_vocabulary="mesh")


def test_builtin_profiles_declare_what_the_rules_used_to_key_by_name() -> None:
    crossref, csl = get_profile("crossref"), get_profile("csl")
    assert crossref.type_field == "type" and get_profile("s2").type_field == "publication_types"
    assert crossref.is_partial({"DOI": "10.1/x"}) and not crossref.is_partial({"indexed": {}})
    assert not get_profile("s2").is_partial({})
    assert ("/published-online", "epub") in crossref.extra_dates
    assert get_profile("aggregator").omitted_means_missing and csl.omitted_means_missing
    assert not get_profile("s2").omitted_means_missing
    assert not get_profile("generic").known_shape
    assert get_profile("generic").required == ()


def test_value_at_reads_a_declared_pointer() -> None:
    from biblint.profiles import value_at

    data = {"a": {"b": [1, {"c": 2}]}, "x~y/z": 3}
    assert value_at(data, "/a/b/1/c") == 2
    assert value_at(data, "/x~0y~1z") == 3
    assert value_at(data, "/a/b/5") is None and value_at(data, "/a/b/1/c/d") is None
    assert value_at(data, "") == data
