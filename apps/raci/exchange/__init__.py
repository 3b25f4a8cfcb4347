"""Export writers and import readers: plain Python, no Django. They work on MatrixDocument."""
