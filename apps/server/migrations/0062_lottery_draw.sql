-- One lottery draw in one statement (ADR 0034; modules/lottery/service.ts draws through it). Every draw of a customer in a
-- campaign first takes their participant row (their draws run one at a time, in every process); a request id drawn
-- before answers the first result; the window, per-day and total limits (days in the corp's zone, given as p_today)
-- are checked; a paid lottery takes the oldest unused paid entry; a prize is picked by weight (p_rand in [0, 1)) or
-- the one given (p_prize: the pick of an earlier fast call), its stock taken by one conditional UPDATE (won < stock:
-- never oversold); the entry is written, and — when nothing is left to do — the timeline too.
--
-- p_fast: the caller runs this alone, in its own transaction (autocommit). It answers {"status":"slow"} before
-- writing anything of the draw when the draw needs the caller's work in one transaction with it: an eligibility rule
-- to check, points to pay, or a prize to grant through the reward ledger (then "prize" is the pick, to pass back as
-- p_prize). Without p_fast the caller holds a transaction and, when the answer has "grant": true, grants the prize
-- and writes the timeline itself.
CREATE OR REPLACE FUNCTION pond_lottery_draw(p_corp text, p_campaign bigint, p_unionid text, p_ext text, p_request text, p_today date,
  p_now timestamptz, p_rand double precision, p_prize bigint, p_fast boolean) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  c campaigns%ROWTYPE;
  v_ext text := p_ext;
  v_entry lottery_entries%ROWTYPE;
  v_prize lottery_prizes%ROWTYPE;
  v_nothing lottery_prizes%ROWTYPE;
  v_kind text;
  v_per_day int;
  v_total int;
  n_today int;
  n_total int;
  n_unused int;
  v_paid bigint;
  v_sum bigint;
  v_pick bigint;
  v_entered int;
  v_reward jsonb;
  v_closed text;
BEGIN
  IF v_ext IS NULL THEN
    SELECT cu.external_userid INTO v_ext FROM customers cu
    WHERE cu.corp_id = p_corp AND cu.unionid = p_unionid
      AND EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = cu.corp_id AND f.external_userid = cu.external_userid AND f.status = 'active')
    ORDER BY cu.external_userid LIMIT 1;
    IF v_ext IS NULL THEN
      RETURN jsonb_build_object('status', 'not_customer');
    END IF;
  END IF;
  SELECT * INTO c FROM campaigns WHERE corp_id = p_corp AND id = p_campaign AND kind = 'lottery';
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'not_found');
  END IF;
  v_kind := c.entry->>'kind';
  IF p_fast AND (v_kind = 'points' OR EXISTS (
      SELECT 1 FROM jsonb_each(c.eligibility) x WHERE jsonb_typeof(x.value) = 'array' AND jsonb_array_length(x.value) > 0)) THEN
    RETURN jsonb_build_object('status', 'slow', 'ext', v_ext);
  END IF;

  -- As campaigns/service.ts openness() says.
  v_closed := CASE WHEN c.status IN ('draft', 'paused') THEN c.status
    WHEN c.status = 'ended' OR (c.ends_at IS NOT NULL AND c.ends_at <= p_now) THEN 'ended'
    WHEN c.status <> 'active' THEN c.status
    WHEN c.starts_at > p_now THEN 'not_started' END;
  -- Refusals that write nothing — a closed lottery, a paid one without an entry to draw — are answered before the
  -- participant row is made (a tap on a closed lottery makes nobody a participant), unless this request was drawn
  -- before (its result again, below). They are checked again under the lock.
  IF NOT EXISTS (SELECT 1 FROM lottery_entries WHERE campaign_id = c.id AND external_userid = v_ext AND request_id = p_request) THEN
    IF v_closed IS NOT NULL THEN
      RETURN jsonb_build_object('status', 'closed', 'reason', v_closed);
    END IF;
    IF v_kind = 'paid' AND NOT EXISTS (SELECT 1 FROM lottery_entries WHERE campaign_id = c.id AND external_userid = v_ext AND state = 'unused') THEN
      RETURN jsonb_build_object('status', 'buy_first', 'entry', c.entry);
    END IF;
  END IF;

  -- The participant row: every draw of this customer in this campaign waits here for the one before it.
  INSERT INTO campaign_participants (corp_id, campaign_id, external_userid, userid, store_id)
  SELECT p_corp, c.id, v_ext, f.userid, s.store_id
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (SELECT userid FROM follows WHERE corp_id = p_corp AND external_userid = v_ext AND status = 'active' ORDER BY added_at DESC NULLS LAST LIMIT 1) f ON true
  LEFT JOIN staff s ON s.corp_id = p_corp AND s.userid = f.userid
  ON CONFLICT (campaign_id, external_userid) DO NOTHING;
  GET DIAGNOSTICS v_entered = ROW_COUNT;
  IF v_entered > 0 THEN
    INSERT INTO customer_events (corp_id, external_userid, type, occurred_at, data, dedupe_key)
    VALUES (p_corp, v_ext, 'campaign.entered', p_now, jsonb_build_object('campaignId', c.id, 'kind', c.kind, 'name', c.name),
      'campaign-entered:' || c.id || ':' || v_ext)
    ON CONFLICT (corp_id, dedupe_key) DO NOTHING;
    UPDATE customers SET last_event_at = greatest(coalesce(last_event_at, 'epoch'), p_now) WHERE corp_id = p_corp AND external_userid = v_ext;
  END IF;
  PERFORM 1 FROM campaign_participants WHERE campaign_id = c.id AND external_userid = v_ext FOR UPDATE;

  SELECT count(*) FILTER (WHERE state = 'drawn' AND day = p_today), count(*) FILTER (WHERE state = 'drawn'), count(*) FILTER (WHERE state = 'unused')
  INTO n_today, n_total, n_unused
  FROM lottery_entries WHERE campaign_id = c.id AND external_userid = v_ext AND state IN ('drawn', 'unused');

  -- A request drawn before: its result again.
  SELECT * INTO v_entry FROM lottery_entries WHERE campaign_id = c.id AND external_userid = v_ext AND request_id = p_request;
  IF FOUND THEN
    SELECT to_jsonb(r) INTO v_reward FROM (
      SELECT r.id AS reward_id, r.state AS reward_state, r.coupon_code, r.points AS r_points, r.amount_fen AS r_amount_fen,
        (r.state = 'pending' AND r.details->>'needsAddress' = 'true' AND r.details->'address' IS NULL) AS needs_address
      FROM rewards r WHERE r.id = v_entry.reward_id) r;
    RETURN jsonb_build_object('status', 'earlier', 'ext', v_ext, 'config', c.config, 'entry', to_jsonb(v_entry), 'reward', v_reward,
      'prize', (SELECT to_jsonb(p) FROM lottery_prizes p WHERE p.id = v_entry.prize_id),
      'counts', jsonb_build_object('today', n_today, 'total', n_total, 'unused', n_unused));
  END IF;

  IF v_closed IS NOT NULL THEN
    RETURN jsonb_build_object('status', 'closed', 'reason', v_closed);
  END IF;
  v_per_day := CASE WHEN c.config ? 'perDay' THEN (c.config->>'perDay')::int ELSE 1 END;
  v_total := (c.config->>'total')::int;
  IF v_per_day IS NOT NULL AND n_today >= v_per_day THEN
    RETURN jsonb_build_object('status', 'per_day');
  END IF;
  IF v_total IS NOT NULL AND n_total >= v_total THEN
    RETURN jsonb_build_object('status', 'total');
  END IF;
  IF v_kind = 'paid' THEN
    SELECT id INTO v_paid FROM lottery_entries WHERE campaign_id = c.id AND external_userid = v_ext AND state = 'unused' ORDER BY id LIMIT 1 FOR UPDATE;
    IF v_paid IS NULL THEN
      RETURN jsonb_build_object('status', 'buy_first', 'entry', c.entry);
    END IF;
  END IF;

  -- The pick: by weight (a sold-out prize keeps its odds and gives "thank you": the others' odds never grow).
  IF p_prize IS NOT NULL THEN
    SELECT * INTO v_prize FROM lottery_prizes WHERE id = p_prize AND campaign_id = c.id;
  ELSE
    SELECT sum(weight) INTO v_sum FROM lottery_prizes WHERE campaign_id = c.id;
    IF v_sum > 0 THEN
      v_pick := least(v_sum - 1, floor(p_rand * v_sum)::bigint);
      SELECT * INTO v_prize FROM lottery_prizes WHERE id = (
        SELECT p.id FROM (SELECT id, position, sum(weight) OVER (ORDER BY position, id) AS upto FROM lottery_prizes WHERE campaign_id = c.id) p
        WHERE p.upto > v_pick ORDER BY p.position, p.id LIMIT 1);
    END IF;
  END IF;
  IF v_prize.id IS NOT NULL AND (v_prize.kind = 'nothing' OR (v_prize.stock IS NOT NULL AND v_prize.won >= v_prize.stock)) THEN
    v_prize := NULL;
  END IF;
  IF v_prize.id IS NOT NULL AND p_fast THEN
    RETURN jsonb_build_object('status', 'slow', 'ext', v_ext, 'prize', v_prize.id);
  END IF;
  IF v_prize.id IS NOT NULL AND v_prize.stock IS NOT NULL THEN
    UPDATE lottery_prizes SET won = won + 1 WHERE id = v_prize.id AND won < stock RETURNING * INTO v_prize;
  END IF;
  SELECT * INTO v_nothing FROM lottery_prizes WHERE campaign_id = c.id AND kind = 'nothing' AND (stock IS NULL OR won < stock) ORDER BY position, id LIMIT 1;

  IF v_paid IS NOT NULL THEN
    UPDATE lottery_entries SET state = 'drawn', day = p_today, drawn_at = p_now, request_id = p_request, prize_id = coalesce(v_prize.id, v_nothing.id)
    WHERE id = v_paid RETURNING * INTO v_entry;
  ELSE
    INSERT INTO lottery_entries (corp_id, campaign_id, external_userid, source, day, state, request_id, prize_id, drawn_at)
    VALUES (c.corp_id, c.id, v_ext, v_kind, p_today, 'drawn', p_request, coalesce(v_prize.id, v_nothing.id), p_now)
    RETURNING * INTO v_entry;
  END IF;
  -- A prize to grant: the caller grants it and writes the timeline in this transaction.
  IF v_prize.id IS NULL THEN
    INSERT INTO customer_events (corp_id, external_userid, type, occurred_at, data, dedupe_key)
    VALUES (p_corp, v_ext, 'lottery.drew', p_now, jsonb_build_object('campaignId', c.id, 'name', c.name, 'entryId', v_entry.id,
      'prizeId', v_nothing.id, 'prizeName', v_nothing.name, 'won', false), 'lottery-drew:' || v_entry.id)
    ON CONFLICT (corp_id, dedupe_key) DO NOTHING;
    IF v_entered = 0 THEN  -- (else the customer's row was just brought to p_now with the campaign.entered event)
      UPDATE customers SET last_event_at = greatest(coalesce(last_event_at, 'epoch'), p_now) WHERE corp_id = p_corp AND external_userid = v_ext;
    END IF;
  END IF;
  RETURN jsonb_build_object('status', 'drawn', 'ext', v_ext, 'config', c.config, 'entry', to_jsonb(v_entry), 'grant', v_prize.id IS NOT NULL,
    'prize', CASE WHEN v_prize.id IS NOT NULL THEN to_jsonb(v_prize) WHEN v_nothing.id IS NOT NULL THEN to_jsonb(v_nothing) END,
    'nothing', CASE WHEN v_nothing.id IS NOT NULL THEN to_jsonb(v_nothing) END,
    'counts', jsonb_build_object('today', n_today + 1, 'total', n_total + 1, 'unused', n_unused - CASE WHEN v_paid IS NOT NULL THEN 1 ELSE 0 END));
END $$;
