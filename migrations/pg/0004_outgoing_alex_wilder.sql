CREATE TABLE "daily_counts" (
	"project_id" text NOT NULL,
	"day" text NOT NULL,
	"tests" integer NOT NULL,
	"flaky" integer NOT NULL,
	"broken" integer NOT NULL,
	"quarantined" integer NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "daily_counts_project_id_day_pk" PRIMARY KEY("project_id","day")
);
--> statement-breakpoint
ALTER TABLE "daily_counts" ADD CONSTRAINT "daily_counts_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "failure_groups_project_seen_idx" ON "failure_groups" USING btree ("project_id","last_seen_at");--> statement-breakpoint
CREATE INDEX "reports_project_received_idx" ON "reports" USING btree ("project_id","received_at");