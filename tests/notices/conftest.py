"""The notices' tests share the agreement's world: a team, a matrix and its holders."""

from tests.agreement.conftest import HX, A, C, I, R, client_for, world  # noqa: F401 (and a fixture)
