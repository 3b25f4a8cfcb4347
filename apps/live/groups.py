"""The channel-layer groups the live layer sends to: one per matrix, one per signed-in user (for
their access), one per matrix's share-link visitors."""


def matrix_group(matrix_id: int) -> str:
    return f"matrix-{matrix_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def shared_group(matrix_id: int) -> str:
    return f"shared-{matrix_id}"
