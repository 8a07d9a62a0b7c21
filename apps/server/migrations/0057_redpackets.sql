CREATE TABLE "redpacket_slots" (
	"campaign_id" bigint NOT NULL,
	"slot_key" text NOT NULL,
	"corp_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"claimed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redpacket_slots_campaign_id_slot_key_pk" PRIMARY KEY("campaign_id","slot_key"),
	CONSTRAINT "redpacket_slots_claimed" CHECK (claimed >= 0 AND claimed <= count)
);
--> statement-breakpoint
ALTER TABLE "redpacket_slots" ADD CONSTRAINT "redpacket_slots_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;