"""The tests' fact cache (tests/fact_cache.py) serves the first runs of a longer list of seeds
exactly as a fresh measurement makes them, and nothing else."""

import pytest
from dibsim.experiments.validation.facts import all_facts, measure
from fact_cache import SeedPrefixCache


def test_a_shorter_count_is_served_from_a_longer_one_and_only_from_the_same_arm():
    cache = SeedPrefixCache()
    cache[("base", "{}", 156, 7, 5)] = ["r0", "r1", "r2", "r3", "r4"]
    cache[("base", "{}", 156, 7, 3)] = ["r0", "r1", "r2"]
    assert ("base", "{}", 156, 7, 2) in cache
    assert cache[("base", "{}", 156, 7, 2)] == ["r0", "r1"]
    assert cache[("base", "{}", 156, 7, 4)] == ["r0", "r1", "r2", "r3"]
    assert cache[("base", "{}", 156, 7, 5)] == ["r0", "r1", "r2", "r3", "r4"]
    for other in (("base", "{}", 156, 7, 6), ("base", "{}", 260, 7, 2), ("base", "{}", 156, 8, 2),
                  ("variant", "{}", 156, 7, 2), "base"):
        assert other not in cache
    with pytest.raises(KeyError):
        cache[("base", "{}", 156, 7, 6)]


def test_a_fact_measured_through_the_cache_is_the_fresh_measurement():
    fact = all_facts()["congestion"]
    fresh = measure(fact, 2)
    cache = SeedPrefixCache()
    measure(fact, 3, cache=cache)  # stores the base arm's three runs
    served = measure(fact, 2, cache=cache)  # its base arm: the first two of them
    assert len(cache) == 1
    assert served == fresh
