-- 0014: a message's read receipt state as last learnt
-- (MESSAGE_READ_RECEIPT_RECEIVED, getMessageReadReceiptList): the JSON of
-- readReceiptInfo, '' for none yet.
ALTER TABLE messages ADD COLUMN read_receipt TEXT NOT NULL DEFAULT '';
