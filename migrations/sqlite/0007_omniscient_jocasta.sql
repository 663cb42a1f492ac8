DROP INDEX `results_test_report_attempt_idx`;--> statement-breakpoint
CREATE INDEX `results_test_history_idx` ON `results` (`test_id`,`report_id`,`attempt`,`status`,`final`,`fingerprint`);