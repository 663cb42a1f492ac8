CREATE TABLE `clusters` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`test_ids` text NOT NULL,
	`co_failures` integer NOT NULL,
	`failures` integer NOT NULL,
	`evidence` text NOT NULL,
	`found_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `clusters_project_idx` ON `clusters` (`project_id`);