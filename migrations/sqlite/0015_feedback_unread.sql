-- Every admin page counts the unread low ratings of the user's stores (the navigation's
-- alert): an index on exactly that, so the count does not read the organization's feedback.
CREATE INDEX feedback_unread ON feedback (org_id, status, rating, store_id);
