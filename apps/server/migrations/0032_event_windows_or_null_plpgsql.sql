-- NULL when every 180-day slot (every fourth) is 0. The roll calls it once per customer it rewrites: as a PL/pgSQL loop
-- it costs about a quarter of the SQL version (generate_series + EXISTS), ~1 µs instead of ~3.5 µs per call.
CREATE OR REPLACE FUNCTION pond_event_windows_or_null(w int[]) RETURNS int[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  FOR i IN 1..coalesce(array_upper(w, 1), 0) / 4 LOOP
    IF w[4 * i] <> 0 THEN
      RETURN w;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
