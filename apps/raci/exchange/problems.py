class ImportProblem(ValueError):
    """Input that cannot be imported; the message says where and what, for the user."""

    def __init__(self, message: str, *, where: str = ""):
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where
