CREATE TABLE "clusters" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"test_ids" jsonb NOT NULL,
	"co_failures" integer NOT NULL,
	"failures" integer NOT NULL,
	"evidence" jsonb NOT NULL,
	"found_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clusters_project_idx" ON "clusters" USING btree ("project_id");