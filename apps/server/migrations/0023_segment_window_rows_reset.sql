-- One window row per customer (ADR 0007). The per-(corp, type) windows are emptied here so the next migration can
-- change their key and columns; they are derived data, rebuilt from customer_event_counts by the first roll (which
-- runs when a worker starts). Until then no corp has a roll row, so segments read the per-day counts: slower, still right.
DELETE FROM customer_event_windows;
--> statement-breakpoint
DELETE FROM customer_event_window_rolls;
