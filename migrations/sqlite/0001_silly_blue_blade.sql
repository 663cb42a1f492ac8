CREATE TABLE `schedule_ticks` (
	`schedule` text NOT NULL,
	`tick_at` integer NOT NULL,
	`fired_by` text NOT NULL,
	`fired_at` integer NOT NULL,
	PRIMARY KEY(`schedule`, `tick_at`)
);
