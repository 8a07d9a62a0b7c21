-- Event windows on the customer row (ADR 0009): customers.event_windows holds, for every event type kept, the counts of
-- the last 7/30/90/180 days; slot of (type, window) = 4 * pond_event_window_type(type) + windowIndex + 1 (ADR 0007's
-- layout, unchanged). The day they are relative to is the corp's rolled day, except while a roll is in progress:
-- customers up to its boundary (in key order) are at its target day, the others at the rolled day — or, when the
-- pass is a build, not built yet.
--
-- Every non-NULL window array has all the slots: appending a type to pond_event_window_types() must also delete the
-- roll rows, so the next roll rebuilds every customer's windows (as 0027 did).
CREATE OR REPLACE FUNCTION pond_event_windows_day(corp text, ext text) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN r.target_day IS NOT NULL AND ext <= r.boundary THEN r.target_day
              WHEN r.target_day IS NOT NULL AND r.building THEN NULL
              ELSE r.rolled_day END
  FROM customer_event_window_rolls r WHERE r.corp_id = corp
$$;
--> statement-breakpoint
-- `w` with 1 added to the four slots after `s` as `a` says (a[k] is 0 or 1). Simple enough to be inlined.
CREATE OR REPLACE FUNCTION pond_event_windows_add(w int[], s int, a int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT w[1:s] || ARRAY[w[s + 1] + a[1], w[s + 2] + a[2], w[s + 3] + a[3], w[s + 4] + a[4]] || w[s + 5:]
$$;
--> statement-breakpoint
-- NULL when every 180-day slot (every fourth) is 0: no event left in any window.
CREATE OR REPLACE FUNCTION pond_event_windows_or_null(w int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN EXISTS (SELECT 1 FROM generate_series(4, coalesce(array_upper(w, 1), 0), 4) i WHERE w[i] <> 0) THEN w END
$$;
--> statement-breakpoint
-- Each timeline event of a kept type adds 1 to its type's windows that contain its day (relative to the customer's
-- day, above; events of later days are in every window). The roll (modules/segments/windows.ts) takes the same advisory
-- lock exclusively for each chunk of customers, so it never subtracts a day's count without seeing every event added
-- here, and the day read below is the one the row is true for. When the customer is not stored (yet), the event is
-- left to the insert trigger below: the per-customer lock orders the two, so whichever runs second sees the other.
CREATE OR REPLACE FUNCTION pond_count_customer_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d date := (NEW.occurred_at AT TIME ZONE 'Asia/Shanghai')::date;
  t int := pond_event_window_type(NEW.type);
  n int;
  rolled date;
  s int;
  a int[];
BEGIN
  INSERT INTO customer_event_counts (corp_id, type, day, external_userid, n)
  VALUES (NEW.corp_id, NEW.type, d, NEW.external_userid, 1)
  ON CONFLICT (corp_id, type, day, external_userid) DO UPDATE SET n = customer_event_counts.n + 1;
  IF t IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(hashtext('pond.event_windows'), hashtext(NEW.corp_id));
  rolled := pond_event_windows_day(NEW.corp_id, NEW.external_userid);
  IF rolled IS NULL OR d <= rolled - 180 THEN
    RETURN NULL;
  END IF;
  s := 4 * t;
  n := 4 * cardinality(pond_event_window_types());
  a := ARRAY[(d > rolled - 7)::int, (d > rolled - 30)::int, (d > rolled - 90)::int, 1];
  FOR attempt IN 1..2 LOOP
    UPDATE customers c SET event_windows = CASE
        WHEN c.event_windows IS NULL THEN array_fill(0, ARRAY[s]) || a || array_fill(0, ARRAY[n - s - 4])
        WHEN cardinality(c.event_windows) < n THEN pond_event_windows_add(c.event_windows || array_fill(0, ARRAY[n - cardinality(c.event_windows)]), s, a)
        ELSE pond_event_windows_add(c.event_windows, s, a) END
    WHERE c.corp_id = NEW.corp_id AND c.external_userid = NEW.external_userid;
    IF FOUND OR attempt = 2 THEN
      RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('pond.event_windows.customer'), hashtext(NEW.corp_id || '/' || NEW.external_userid));
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A customer stored after some of their events (a group join before the add, a scan, an order matched later) starts
-- with those events' windows, counted from the timeline (customer_events_customer_idx).
CREATE OR REPLACE FUNCTION pond_customer_event_windows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rolled date;
  w int[];
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('pond.event_windows'), hashtext(NEW.corp_id));
  PERFORM pg_advisory_xact_lock(hashtext('pond.event_windows.customer'), hashtext(NEW.corp_id || '/' || NEW.external_userid));
  rolled := pond_event_windows_day(NEW.corp_id, NEW.external_userid);
  IF rolled IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(coalesce(x.v, 0) ORDER BY i) INTO w
  FROM generate_series(1, 4 * cardinality(pond_event_window_types())) i LEFT JOIN (
    SELECT 4 * e.t + k.i AS slot, count(*)::int AS v
    FROM (SELECT pond_event_window_type(type) AS t, (occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS d FROM customer_events
          WHERE corp_id = NEW.corp_id AND external_userid = NEW.external_userid
            AND occurred_at >= ((rolled - 179)::timestamp AT TIME ZONE 'Asia/Shanghai')) e
    CROSS JOIN unnest(ARRAY[7, 30, 90, 180]) WITH ORDINALITY k(len, i)
    WHERE e.t IS NOT NULL AND e.d > rolled - k.len
    GROUP BY 1) x ON x.slot = i;
  w := pond_event_windows_or_null(w);
  IF w IS NOT NULL THEN
    UPDATE customers SET event_windows = w WHERE corp_id = NEW.corp_id AND external_userid = NEW.external_userid;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customers_event_windows AFTER INSERT ON customers FOR EACH ROW EXECUTE FUNCTION pond_customer_event_windows();
--> statement-breakpoint
-- The trigger and the roll rewrite customer rows; no index covers event_windows, so with room on the page the update
-- is HOT (no index entry written). Applies to pages written from now on.
ALTER TABLE customers SET (fillfactor = 85);
--> statement-breakpoint
-- The windows moved from customer_event_windows (dropped by the previous migration): the next roll (at worker
-- start) builds them on the customers; until then segments read the per-day counts.
DELETE FROM customer_event_window_rolls;
