-- Paid orders become a behaviour condition ("ordered at least N times in the last D days"): 'order.paid' is
-- appended to the types kept in the customer's window row (ADR 0007; its slots follow the existing ones, so
-- rows written before read them as 0 through coalesce). Orders paid before this migration are in the per-day
-- counts but not in any window: forgetting every corp's roll makes the next roll (at worker start) rebuild the
-- windows from the counts; until then segments read the per-day counts, as after any missed roll.
CREATE OR REPLACE FUNCTION pond_event_window_types() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['customer.added', 'customer.deleted_staff', 'customer.deleted_by_staff', 'group.joined', 'group.left', 'tag.added', 'remark.changed', 'order.paid']::text[]
$$;
--> statement-breakpoint
DELETE FROM customer_event_window_rolls;
