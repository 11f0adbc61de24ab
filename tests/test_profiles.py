"""Profile detection: each record shape is recognised as its profile."""

from __future__ import annotations

from collections import Counter

import jsonschema
import pytest

import biblint
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
