CREATE TABLE `report_stages` (
	`report_id` text PRIMARY KEY NOT NULL,
	`stage` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rescore_progress` (
	`project_id` text PRIMARY KEY NOT NULL,
	`done` integer NOT NULL,
	`total` integer NOT NULL,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
DROP INDEX `tests_project_idx`;--> statement-breakpoint
CREATE INDEX `tests_project_id_idx` ON `tests` (`project_id`,`id`);--> statement-breakpoint
CREATE INDEX `verdicts_project_failures_idx` ON `verdicts` (`project_id`,`variant`,failures desc,`test_id`) WHERE failures > 0;--> statement-breakpoint
CREATE INDEX `verdicts_project_last_failure_idx` ON `verdicts` (`project_id`,`variant`,last_failure_at desc,`test_id`) WHERE last_failure_at is not null;