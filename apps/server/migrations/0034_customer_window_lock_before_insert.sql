-- The per-customer lock that orders a new customer's insert against an event inserted for them before their row
-- existed (migration 0029) is taken BEFORE INSERT, row by row, instead of in the AFTER INSERT trigger. AFTER ROW
-- triggers run at the end of the statement: a multi-row upsert then held the rows it had updated (later keys) while
-- asking for an earlier new customer's lock, which an event transaction could hold while waiting for one of those
-- rows — a deadlock. Now both take a customer's locks in key order (statements writing several customers sort them).
-- Only customers not stored yet take it (an upsert of a stored customer becomes an update, and no insert trigger runs).
CREATE OR REPLACE FUNCTION pond_customer_event_windows_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('pond.event_windows'), hashtext(NEW.corp_id));
  IF NOT EXISTS (SELECT 1 FROM customers c WHERE c.corp_id = NEW.corp_id AND c.external_userid = NEW.external_userid) THEN
    PERFORM pg_advisory_xact_lock(hashtext('pond.event_windows.customer'), hashtext(NEW.corp_id || '/' || NEW.external_userid));
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER customers_event_windows_lock BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION pond_customer_event_windows_lock();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pond_customer_event_windows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rolled date;
  w int[];
BEGIN
  -- Both locks were taken before the insert (pond_customer_event_windows_lock); taking them again is free.
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
