-- The customer-level arrays (ADR 0005) only change when a relation's tags, status or staff change. The
-- enrich and sync paths rewrite follows with the same values; firing the trigger for those recomputed
-- the customer's arrays for nothing (about half of its calls per add, measured with pg_stat_statements).
DROP TRIGGER IF EXISTS follows_customer_arrays ON follows;
--> statement-breakpoint
CREATE TRIGGER follows_customer_arrays AFTER INSERT OR DELETE ON follows
  FOR EACH ROW EXECUTE FUNCTION pond_refresh_customer_arrays();
--> statement-breakpoint
CREATE TRIGGER follows_customer_arrays_changed AFTER UPDATE OF tag_ids, status, userid ON follows
  FOR EACH ROW
  WHEN (OLD.tag_ids IS DISTINCT FROM NEW.tag_ids OR OLD.status IS DISTINCT FROM NEW.status OR OLD.userid IS DISTINCT FROM NEW.userid)
  EXECUTE FUNCTION pond_refresh_customer_arrays();
