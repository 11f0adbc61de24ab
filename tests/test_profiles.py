"""Profile detection: each record shape is recognised as its profile."""

from __future__ import annotations

from collections import Counter
from functools import cache

import jsonschema
import pytest

import biblint
import biblint.rules
from biblint.engine import Linter
from biblint.profiles import PROFILES, detect_profile, get_profile
from biblint.readers import read_path

from .conftest import CORPUS, FIXTURES, SEED, corpus_or_skip

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


# -- detection cached per key set ------------------------------------------------------------


@cache
def _every_record() -> tuple[object, ...]:
    """Every record at hand: the seed, each profile's sample, every rule fixture's records,
    and the whole corpus (when present); read once per test session."""
    from biblint.testing import load_cases

    linter = Linter()
    paths = [SEED, FIXTURES / "profiles"]
    if CORPUS.is_dir():
        paths.append(CORPUS)
    found: list[object] = []
    for path, _ in linter.discover(paths):
        found.extend(raw.data for raw in read_path(path).records if raw.data is not None)
    for case in load_cases(FIXTURES / "rules"):
        for key in ("record", "records"):
            value = case.data.get(key)
            found.extend(value if key == "records" and isinstance(value, list) else
                         [value] if value is not None else [])
    return tuple(found)


def test_detection_by_key_set_is_detection_by_every_detector() -> None:
    """ProfileSet.detect keeps per key tuple what the keys decide; on every record at hand it
    picks the profile that calling every detector picks (the cache warm across records of
    one shape with other values), and what each profile declares of its detector holds:
    a keys-only detector scores the same with every value replaced, and a record a detector
    scores has the keys its ``detect_needs`` asks for."""
    from biblint.profiles import installed_profiles

    records = _every_record()
    assert len(records) > 2000
    profiles = installed_profiles()
    for data in records:
        assert profiles.detect(data) is profiles._detect(data), data
        if not isinstance(data, dict):
            continue
        for profile in profiles:
            score = profile.detect(data)
            if profile.detect_keys_only:
                for filler in (None, "", 0, [], {}, {"attributes": {}}):
                    assert profile.detect(dict.fromkeys(data, filler)) == score, profile.name
            if score > 0 and profile.detect_needs is not None:
                keys, least = profile.detect_needs
                assert len(keys.intersection(data)) >= least, (profile.name, sorted(data))


def test_detection_reads_values_where_the_keys_do_not_decide() -> None:
    """Records with the same keys and other values: the cache holds only what keys decide."""
    from biblint.profiles import ProfileSet

    profiles = ProfileSet(PROFILES.values())
    crossref = {"DOI": "10.1000/x", "title": ["T"], "member": "1"}
    csl = {"DOI": "10.1000/x", "title": "T", "member": "1"}
    s2 = {"paperId": "a" * 40, "title": "T"}
    short = {"paperId": "a", "title": "T"}
    for data, name in [(crossref, "crossref"), (csl, "generic"), (crossref, "crossref"),
                       (s2, "s2"), (short, "generic"), (s2, "s2")]:
        assert profiles.detect(data).name == name == profiles._detect(data).name


def test_a_user_profile_detected_by_keys_declares_it() -> None:
    from biblint.profiles import profile_from_config

    by_names = profile_from_config("mine", {"fields": {}, "detect": {"keys": ["a", "b"]}})
    assert by_names.detect_keys_only
    assert by_names.detect_needs == (frozenset({"a", "b"}), 1)
    nested = profile_from_config("deep", {"fields": {}, "detect": {"keys": ["a", "/x~1y/z"]}})
    assert not nested.detect_keys_only
    assert nested.detect_needs == (frozenset({"a", "x/y"}), 1)
    assert nested.detect({"a": 1, "x/y": {"z": 2}}) == 2
