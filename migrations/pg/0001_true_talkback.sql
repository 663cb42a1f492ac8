CREATE TABLE "schedule_ticks" (
	"schedule" text NOT NULL,
	"tick_at" bigint NOT NULL,
	"fired_by" text NOT NULL,
	"fired_at" bigint NOT NULL,
	CONSTRAINT "schedule_ticks_schedule_tick_at_pk" PRIMARY KEY("schedule","tick_at")
);
