DROP TABLE equality_snapshots;
