-- One window row per customer (ADR 0007): customer_event_windows.w holds, for every event type kept, the counts of the
-- last 7/30/90/180 days relative to the day the corp's windows were last rolled to (customer_event_window_rolls).
-- Slot of (type, window) = 4 * pond_event_window_type(type) + windowIndex + 1, windowIndex in 7/30/90/180 order.
--
-- The types kept, in the order of EVENT_TYPES in modules/segments/rule.ts (a test checks that they agree). Appending
-- a type means a migration replacing this function; rows written before are shorter, so slots are always read as
-- coalesce(w[k], 0). Reordering or removing a type would move slots: the windows would have to be rebuilt.
CREATE OR REPLACE FUNCTION pond_event_window_types() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['customer.added', 'customer.deleted_staff', 'customer.deleted_by_staff', 'group.joined', 'group.left', 'tag.added', 'remark.changed']::text[]
$$;
--> statement-breakpoint
-- A type's index in that list, from 0 (its windows are slots 4 * index + 1 .. 4 * index + 4); NULL for a type not kept.
CREATE OR REPLACE FUNCTION pond_event_window_type(t text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_position(pond_event_window_types(), t) - 1
$$;
--> statement-breakpoint
-- The trigger and the daily roll rewrite a row in place; no index covers w, so with free space on the page the
-- update is HOT (no index entry written).
ALTER TABLE customer_event_windows SET (fillfactor = 80);
--> statement-breakpoint
-- Each timeline event of a kept type also adds 1 to its type's four windows that contain its day (relative to the
-- corp's rolled day; events of later days are in every window, as before). The roll (modules/segments/windows.ts)
-- takes the same advisory lock exclusively, so it never subtracts a day's count without seeing every event added
-- here, and the rolled day read below is the one the row is true for. A corp without a roll row has no windows yet:
-- only the per-day count is kept, and its first roll builds them.
CREATE OR REPLACE FUNCTION pond_count_customer_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d date := (NEW.occurred_at AT TIME ZONE 'Asia/Shanghai')::date;
  t int := pond_event_window_type(NEW.type);
  rolled date;
  s int;
  fresh int[];
BEGIN
  INSERT INTO customer_event_counts (corp_id, type, day, external_userid, n)
  VALUES (NEW.corp_id, NEW.type, d, NEW.external_userid, 1)
  ON CONFLICT (corp_id, type, day, external_userid) DO UPDATE SET n = customer_event_counts.n + 1;
  IF t IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(hashtext('pond.event_windows'), hashtext(NEW.corp_id));
  SELECT r.rolled_day INTO rolled FROM customer_event_window_rolls r WHERE r.corp_id = NEW.corp_id;
  IF rolled IS NULL OR d <= rolled - 180 THEN
    RETURN NULL;
  END IF;
  s := 4 * t;
  fresh := array_fill(0, ARRAY[4 * cardinality(pond_event_window_types())]);
  fresh[s + 1] := (d > rolled - 7)::int;
  fresh[s + 2] := (d > rolled - 30)::int;
  fresh[s + 3] := (d > rolled - 90)::int;
  fresh[s + 4] := 1;
  -- Only the event type's four slots change (a shorter row grows; the gap reads as 0 through coalesce).
  INSERT INTO customer_event_windows AS w (corp_id, external_userid, w) VALUES (NEW.corp_id, NEW.external_userid, fresh)
  ON CONFLICT (corp_id, external_userid) DO UPDATE SET
    w[s + 1] = coalesce(w.w[s + 1], 0) + EXCLUDED.w[s + 1],
    w[s + 2] = coalesce(w.w[s + 2], 0) + EXCLUDED.w[s + 2],
    w[s + 3] = coalesce(w.w[s + 3], 0) + EXCLUDED.w[s + 3],
    w[s + 4] = coalesce(w.w[s + 4], 0) + 1;
  RETURN NULL;
END $$;
