-- Segments read customer-level arrays and per-day event counts (ADR 0005); these triggers keep them
-- true whatever path writes follows or the timeline.
CREATE OR REPLACE FUNCTION pond_refresh_customer_arrays() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT DISTINCT corp_id, external_userid FROM (
      SELECT NEW.corp_id, NEW.external_userid WHERE TG_OP <> 'DELETE'
      UNION ALL SELECT OLD.corp_id, OLD.external_userid WHERE TG_OP <> 'INSERT') x(corp_id, external_userid)
  LOOP
    UPDATE customers c SET
      tag_ids = coalesce((SELECT array_agg(DISTINCT t ORDER BY t) FROM follows f, unnest(f.tag_ids) t
                          WHERE f.corp_id = r.corp_id AND f.external_userid = r.external_userid AND f.status = 'active'), '{}'),
      staff_ids = coalesce((SELECT array_agg(DISTINCT f.userid ORDER BY f.userid) FROM follows f
                            WHERE f.corp_id = r.corp_id AND f.external_userid = r.external_userid AND f.status = 'active'), '{}')
    WHERE c.corp_id = r.corp_id AND c.external_userid = r.external_userid;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER follows_customer_arrays AFTER INSERT OR DELETE OR UPDATE OF tag_ids, status, userid ON follows
  FOR EACH ROW EXECUTE FUNCTION pond_refresh_customer_arrays();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pond_count_customer_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_event_counts (corp_id, type, day, external_userid, n)
  VALUES (NEW.corp_id, NEW.type, (NEW.occurred_at AT TIME ZONE 'Asia/Shanghai')::date, NEW.external_userid, 1)
  ON CONFLICT (corp_id, type, day, external_userid) DO UPDATE SET n = customer_event_counts.n + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customer_events_counts AFTER INSERT ON customer_events
  FOR EACH ROW EXECUTE FUNCTION pond_count_customer_event();
--> statement-breakpoint
-- Existing data.
UPDATE customers c SET
  tag_ids = coalesce((SELECT array_agg(DISTINCT t ORDER BY t) FROM follows f, unnest(f.tag_ids) t WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active'), '{}'),
  staff_ids = coalesce((SELECT array_agg(DISTINCT f.userid ORDER BY f.userid) FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active'), '{}');
--> statement-breakpoint
INSERT INTO customer_event_counts (corp_id, type, day, external_userid, n)
SELECT corp_id, type, (occurred_at AT TIME ZONE 'Asia/Shanghai')::date, external_userid, count(*) FROM customer_events GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING;
