"""What the benchmark counts as a query: a statement that reads or writes data.

Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) is left out on both
databases. Django sends SQLite an explicit ``BEGIN IMMEDIATE`` that the capture sees, while
psycopg opens PostgreSQL's transactions implicitly, unseen; leaving them out makes the two
databases' counts the same, and keeps a write from looking cheaper when it skips a transaction
that it needs.
"""

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def count(captured_queries: list[dict]) -> int:
    return sum(
        1
        for query in captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    )
