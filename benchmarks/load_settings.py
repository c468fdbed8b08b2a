"""Settings for `benchmarks/load.py`: production settings, plus one URL for the ceiling.

Everything production reads from the environment (PostgreSQL, Redis cache and sessions,
the search server, secrets) is set by load.py; it also turns SECURE_SSL_REDIRECT off because
the benchmark talks plain HTTP on loopback (in production a TLS proxy sits in front).
Static files are collected by WhiteNoise's compressed manifest storage into the benchmark's
cache folder, as `collectstatic` does before a deployment.
"""

from marketplace.settings.production import *  # noqa: F403

# The product's URLs plus /bench/ceiling/ (benchmarks/load_urls.py), kept out of marketplace/urls.py.
ROOT_URLCONF = "benchmarks.load_urls"
