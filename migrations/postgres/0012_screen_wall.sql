-- Menu walls (issue 21): a screen can be one tile of a wall of equal screens that play the
-- same layout drawn across all of them. JSON (vitrin_shared's WallTile: cols, rows, col, row);
-- NULL: a screen of its own.
ALTER TABLE screens ADD COLUMN wall TEXT;
