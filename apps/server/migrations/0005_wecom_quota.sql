CREATE TABLE "wecom_quota" (
	"corp_id" text NOT NULL,
	"api" text NOT NULL,
	"minute" bigint NOT NULL,
	"used" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "wecom_quota_corp_id_api_minute_pk" PRIMARY KEY("corp_id","api","minute")
);
