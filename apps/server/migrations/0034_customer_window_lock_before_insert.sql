-- The per-customer lock that orders a new customer's insert against an event inserted for them before their row
-- existed (migration 0029) is taken BEFORE INSERT, row by row (the AFTER INSERT trigger's own request for it is then
-- free). Taken only there, it came at the end of the statement, as AFTER ROW triggers run: a multi-row upsert then
-- held the rows it had updated (later keys) while asking for an earlier new customer's lock, which an event
-- transaction could hold while waiting for one of those rows — a deadlock. Now both take a customer's locks in key order (statements writing several customers sort them).
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
