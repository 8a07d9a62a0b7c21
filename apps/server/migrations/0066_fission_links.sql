-- Fission paths may link an existing campaign (ADR 0031): a campaign belongs to one path at most; concurrent links of one
-- campaign, one wins (the other is a 409 naming the step's field). NULLs (a model without that step) do not collide.
CREATE UNIQUE INDEX "fission_paths_invite_campaign_uq" ON "fission_paths" USING btree ("invite_campaign_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fission_paths_checkin_campaign_uq" ON "fission_paths" USING btree ("checkin_campaign_id");