-- Confab SDK local store, version 8: a queued targeted group message's
-- receivers (TIM `receiverList`, a JSON array; '[]' for every other
-- message), sent with it when the outbox drains.
ALTER TABLE outbox ADD COLUMN receiver_list TEXT NOT NULL DEFAULT '[]';
