-- Rolling event windows for segments (ADR 0006). Each timeline event also adds to the customer's windows of its
-- type, relative to the day the pair (corp, type) was last rolled to. The roll (modules/segments/windows.ts) takes
-- the same advisory lock exclusively, so it never subtracts a day's count without seeing every event added here.
-- Pairs without a roll row have no windows yet: only the per-day count is kept, and the first roll builds them.
CREATE OR REPLACE FUNCTION pond_count_customer_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d date := (NEW.occurred_at AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
  INSERT INTO customer_event_counts (corp_id, type, day, external_userid, n)
  VALUES (NEW.corp_id, NEW.type, d, NEW.external_userid, 1)
  ON CONFLICT (corp_id, type, day, external_userid) DO UPDATE SET n = customer_event_counts.n + 1;
  PERFORM pg_advisory_xact_lock_shared(hashtext('pond.event_windows'), hashtext(NEW.corp_id || '/' || NEW.type));
  INSERT INTO customer_event_windows AS w (corp_id, type, external_userid, d7, d30, d90, d180)
  SELECT NEW.corp_id, NEW.type, NEW.external_userid, (d > r.rolled_day - 7)::int, (d > r.rolled_day - 30)::int, (d > r.rolled_day - 90)::int, 1
  FROM customer_event_window_rolls r
  WHERE r.corp_id = NEW.corp_id AND r.type = NEW.type AND d > r.rolled_day - 180
  ON CONFLICT (corp_id, type, external_userid) DO UPDATE
    SET d7 = w.d7 + EXCLUDED.d7, d30 = w.d30 + EXCLUDED.d30, d90 = w.d90 + EXCLUDED.d90, d180 = w.d180 + 1;
  RETURN NULL;
END $$;
