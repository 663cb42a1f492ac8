CREATE TABLE `daily_counts` (
	`project_id` text NOT NULL,
	`day` text NOT NULL,
	`tests` integer NOT NULL,
	`flaky` integer NOT NULL,
	`broken` integer NOT NULL,
	`quarantined` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `day`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `failure_groups_project_seen_idx` ON `failure_groups` (`project_id`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `reports_project_received_idx` ON `reports` (`project_id`,`received_at`);