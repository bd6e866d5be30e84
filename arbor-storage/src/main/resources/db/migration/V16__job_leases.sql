-- Periodic maintenance (garbage collection, compaction, pruning) runs on one node at a time
-- (issue 11): a node runs a job only while it holds the job's lease, taken by a conditional
-- UPDATE when the lease has expired (its holder died or finished its period) or is already its own.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until_ms BIGINT NOT NULL
);
