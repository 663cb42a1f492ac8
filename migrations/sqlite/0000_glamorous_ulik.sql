CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_project_idx` ON `events` (`project_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `failure_groups` (
	`project_id` text NOT NULL,
	`fingerprint` text NOT NULL,
	`message` text,
	`stack` text,
	`occurrences` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `fingerprint`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`report_id` text NOT NULL,
	`ci_run` text,
	`job` text,
	`commit_sha` text,
	`cause` text,
	`reason` text NOT NULL,
	`failing` integer NOT NULL,
	`total` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_report_idx` ON `incidents` (`report_id`);--> statement-breakpoint
CREATE INDEX `incidents_project_idx` ON `incidents` (`project_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`state` text NOT NULL,
	`run_at` integer NOT NULL,
	`attempts` integer NOT NULL,
	`max_attempts` integer NOT NULL,
	`locked_by` text,
	`locked_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_claim_idx` ON `jobs` (`state`,`run_at`);--> statement-breakpoint
CREATE TABLE `policies` (
	`project_id` text PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`default_branch` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_slug_idx` ON `projects` (`slug`);--> statement-breakpoint
CREATE TABLE `quarantines` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`test_id` text NOT NULL,
	`state` text NOT NULL,
	`mode` text NOT NULL,
	`reason` text NOT NULL,
	`owner` text,
	`decided_by` text NOT NULL,
	`since` integer NOT NULL,
	`expires_at` integer,
	`released_at` integer,
	`released_by` text,
	`release_reason` text,
	`veto_until` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`test_id`) REFERENCES `tests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quarantines_active_idx` ON `quarantines` (`test_id`) WHERE state = 'active';--> statement-breakpoint
CREATE INDEX `quarantines_project_idx` ON `quarantines` (`project_id`,`state`);--> statement-breakpoint
CREATE INDEX `quarantines_test_idx` ON `quarantines` (`test_id`,`since`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`content_hash` text NOT NULL,
	`format` text,
	`commit_sha` text,
	`branch` text,
	`pr` text,
	`ci_run` text,
	`job` text,
	`attempt` integer NOT NULL,
	`variant` text NOT NULL,
	`filename` text,
	`state` text NOT NULL,
	`error` text,
	`counts` text,
	`raw_size` integer NOT NULL,
	`raw` blob,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_dedupe_idx` ON `reports` (`project_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `reports_project_state_idx` ON `reports` (`project_id`,`state`);--> statement-breakpoint
CREATE INDEX `reports_project_run_idx` ON `reports` (`project_id`,`ci_run`);--> statement-breakpoint
CREATE INDEX `reports_project_commit_idx` ON `reports` (`project_id`,`commit_sha`);--> statement-breakpoint
CREATE TABLE `results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`report_id` text NOT NULL,
	`test_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status` text NOT NULL,
	`final` integer NOT NULL,
	`duration_ms` integer,
	`message` text,
	`stack` text,
	`fingerprint` text,
	`output` text,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`test_id`) REFERENCES `tests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `results_test_report_attempt_idx` ON `results` (`test_id`,`report_id`,`attempt`);--> statement-breakpoint
CREATE INDEX `results_report_idx` ON `results` (`report_id`);--> statement-breakpoint
CREATE INDEX `results_fingerprint_idx` ON `results` (`fingerprint`) WHERE fingerprint is not null;--> statement-breakpoint
CREATE TABLE `tests` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`suite` text NOT NULL,
	`name` text NOT NULL,
	`file` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tests_project_idx` ON `tests` (`project_id`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text,
	`scope` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash_idx` ON `tokens` (`hash`);--> statement-breakpoint
CREATE TABLE `verdicts` (
	`test_id` text NOT NULL,
	`variant` text NOT NULL,
	`project_id` text NOT NULL,
	`status` text NOT NULL,
	`score` real NOT NULL,
	`low` real NOT NULL,
	`high` real NOT NULL,
	`failure_rate` real NOT NULL,
	`runs` integer NOT NULL,
	`failures` integer NOT NULL,
	`last_failure_at` integer,
	`evidence` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`test_id`, `variant`),
	FOREIGN KEY (`test_id`) REFERENCES `tests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `verdicts_project_status_idx` ON `verdicts` (`project_id`,`variant`,`status`);