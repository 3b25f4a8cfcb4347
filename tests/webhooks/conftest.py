from tests.api.conftest import live_world  # noqa: F401 - the same team, people and tokens
