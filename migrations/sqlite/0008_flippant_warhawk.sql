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
