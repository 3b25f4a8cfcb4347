"""The channel-layer groups of a workshop: its boards hear of every change, its ballots only of
what participants see (apps/workshops/changes.py, FOR_BALLOTS)."""


def board_group(workshop_id: int) -> str:
    return f"workshop-{workshop_id}-board"


def ballots_group(workshop_id: int) -> str:
    return f"workshop-{workshop_id}-ballots"
