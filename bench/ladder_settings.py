"""The production settings with the ladder's extra views (bench/ladder.py); for the bench only."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ladder_urls"
