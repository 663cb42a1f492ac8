CREATE TABLE "github_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"event" text NOT NULL,
	"action" text,
	"payload" jsonb NOT NULL,
	"received_at" bigint NOT NULL,
	"processed_at" bigint,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "github_installations" (
	"id" text PRIMARY KEY NOT NULL,
	"account" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"removed_at" bigint
);
--> statement-breakpoint
CREATE TABLE "github_objects" (
	"repo" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"number" text NOT NULL,
	"state" text NOT NULL,
	"body_hash" text,
	"data" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "github_objects_repo_kind_key_pk" PRIMARY KEY("repo","kind","key")
);
--> statement-breakpoint
CREATE TABLE "github_repositories" (
	"full_name" text PRIMARY KEY NOT NULL,
	"installation_id" text,
	"project_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "github_repositories" ADD CONSTRAINT "github_repositories_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "github_repositories_project_idx" ON "github_repositories" USING btree ("project_id");