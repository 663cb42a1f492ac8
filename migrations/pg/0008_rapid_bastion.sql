CREATE TABLE "report_stages" (
	"report_id" text PRIMARY KEY NOT NULL,
	"stage" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rescore_progress" (
	"project_id" text PRIMARY KEY NOT NULL,
	"done" integer NOT NULL,
	"total" integer NOT NULL,
	"started_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"finished_at" bigint
);
--> statement-breakpoint
DROP INDEX "tests_project_idx";--> statement-breakpoint
ALTER TABLE "report_stages" ADD CONSTRAINT "report_stages_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rescore_progress" ADD CONSTRAINT "rescore_progress_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tests_project_id_idx" ON "tests" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "verdicts_project_failures_idx" ON "verdicts" USING btree ("project_id","variant","failures" DESC NULLS LAST,"test_id") WHERE failures > 0;--> statement-breakpoint
CREATE INDEX "verdicts_project_last_failure_idx" ON "verdicts" USING btree ("project_id","variant","last_failure_at" DESC NULLS LAST,"test_id") WHERE last_failure_at is not null;