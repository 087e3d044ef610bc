"""The fuzz invariant: generated files through ``ws.load`` end in a TracekitError or a reconciled load.

A bounded number of files here (``TRACEKIT_FUZZ_EXAMPLES``, default 100); ``make bench`` runs 10,000
(``tests/benchmarks/bench_fuzz.py``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

import tracekit
from tests.hardening.fuzzcsv import GeneratedFile, check_load, generated_files

EXAMPLES = int(os.environ.get("TRACEKIT_FUZZ_EXAMPLES", "100"))


@pytest.fixture(scope="module")
def fuzz_ws():
    ws = tracekit.Workspace()  # one workspace for every file: each load is checked by its source id
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture, HealthCheck.large_base_example])
@given(generated=generated_files())
def test_every_generated_file_is_refused_clearly_or_fully_accounted_for(fuzz_ws, fuzz_dir, generated: GeneratedFile):
    check_load(fuzz_ws, generated, fuzz_dir)
