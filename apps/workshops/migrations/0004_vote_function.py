"""On PostgreSQL, a vote is one statement: ``workshops_vote_record(...)``, a PL/pgSQL function
doing what apps/workshops/votes.py's ``_record_statements`` does from Python (docs/workshop.md,
"What a vote costs").

Why: every vote of a room raises its workshop's version first, which holds the workshop's row
until the vote commits, so a room's votes go one after the other. Sent statement by statement,
the row stayed held across seven round trips and the Python between them; in a server process
whose event loop was busy with the room's streams, that thread waited for the GIL while holding
the row, and every other process's vote waited behind it (pg_stat_activity during a 150-person
room: 188 of 270 busy samples waiting for that row, 82 "idle in transaction"). As one function
called in autocommit, the row is held for the function's own microseconds.

SQLite keeps the Python path: one process, one writer at a time anyway.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION workshops_vote_record(
    p_workshop bigint, p_participant bigint, p_activity bigint, p_role bigint,
    p_code varchar, p_now timestamptz
) RETURNS TABLE (version bigint, stage bigint, state varchar, revealed boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_version bigint; v_stage bigint; v_state varchar; v_revealed boolean;
    v_old varchar; v_found boolean; v_first boolean;
BEGIN
    UPDATE workshops_workshop w SET version = w.version + 1
     WHERE w.id = p_workshop AND w.state = 'open' AND EXISTS (
           SELECT 1 FROM workshops_participant p
            WHERE p.id = p_participant AND p.workshop_id = p_workshop AND p.removed_at IS NULL)
    RETURNING w.version, w.stage, w.state, w.revealed
         INTO v_version, v_stage, v_state, v_revealed;
    IF NOT FOUND THEN
        RETURN;  -- no row: refused (the caller reads why)
    END IF;
    SELECT v.code INTO v_old FROM workshops_vote v
     WHERE v.participant_id = p_participant AND v.activity_id = p_activity
       AND v.role_id = p_role;
    v_found := FOUND;
    IF v_found AND v_old = p_code THEN
        RETURN QUERY SELECT v_version, v_stage, v_state, v_revealed;  -- the same letter again
        RETURN;
    END IF;
    v_first := NOT v_found AND NOT EXISTS (
        SELECT 1 FROM workshops_vote v
         WHERE v.participant_id = p_participant AND v.activity_id = p_activity);
    INSERT INTO workshops_vote AS v (participant_id, activity_id, role_id, code, updated_at)
    VALUES (p_participant, p_activity, p_role, p_code, p_now)
    ON CONFLICT (participant_id, activity_id, role_id)
    DO UPDATE SET code = excluded.code, updated_at = excluded.updated_at;
    IF v_found THEN
        UPDATE workshops_tally t SET count = t.count - 1
         WHERE t.workshop_id = p_workshop AND t.activity_id = p_activity
           AND t.role_id = p_role AND t.code = v_old;
    END IF;
    INSERT INTO workshops_tally AS t (workshop_id, activity_id, role_id, code, count)
    VALUES (p_workshop, p_activity, p_role, p_code, 1)
    ON CONFLICT (workshop_id, activity_id, role_id, code) DO UPDATE SET count = t.count + 1;
    IF v_first THEN
        UPDATE workshops_participant p SET answered = p.answered + 1 WHERE p.id = p_participant;
        INSERT INTO workshops_activitytally AS a (workshop_id, activity_id, answered)
        VALUES (p_workshop, p_activity, 1)
        ON CONFLICT (workshop_id, activity_id) DO UPDATE SET answered = a.answered + 1;
    END IF;
    RETURN QUERY SELECT v_version, v_stage, v_state, v_revealed;
END;
$$;
"""

DROP = (
    "DROP FUNCTION IF EXISTS "
    "workshops_vote_record(bigint, bigint, bigint, bigint, varchar, timestamptz);"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0003_participant_caps")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
