"""The live layer of workshops: the facilitator's board and the participants' ballots are
pushed as changes commit (apps/workshops/changes.py), instead of polled. See docs/workshop.md."""
