"""Hypothesis (under schemathesis, test_schemathesis.py) keeps a cache of source constants in
its storage directory, `.hypothesis/` in the working directory by default, written while
tests are collected: keep it in the system's temporary directory, out of the repository."""

import tempfile
from pathlib import Path

from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "cho-ocop-hypothesis")
