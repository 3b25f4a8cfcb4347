"""The channel-layer groups the live layer sends to: one per matrix, one per matrix's team
members (who see the share-link visitors come and go; the visitors do not see each other), one
per signed-in user (for their access), one per matrix's share-link visitors."""


def matrix_group(matrix_id: int) -> str:
    return f"matrix-{matrix_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def shared_group(matrix_id: int) -> str:
    return f"shared-{matrix_id}"


def team_group(matrix_id: int) -> str:
    return f"team-{matrix_id}"
