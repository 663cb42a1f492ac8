DROP INDEX `verdicts_project_status_idx`;--> statement-breakpoint
CREATE INDEX `verdicts_project_status_score_idx` ON `verdicts` (`project_id`,`variant`,`status`,score desc,`test_id`);