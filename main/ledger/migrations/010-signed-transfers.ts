import type { Migration } from '../../../sqlite/migration';

/**
 * A renter's payment keeps the signed transaction itself (base64 wire bytes) and the
 * block height after which it can no longer land (issue 19, item 8). A renter that
 * crashed between signing and sending sends the very same transaction again at its next
 * try: one signature, so the chain takes it at most once and it can never pay twice,
 * instead of waiting out the blockhash before paying anew. Rows from before this
 * migration have neither (NULL) and keep the old rule.
 */
export const signedTransfersMigration: Migration = {
  version: 10,
  name: 'signed-transfers',
  up(db) {
    db.exec(`
      ALTER TABLE rent_payments ADD COLUMN signed_transaction TEXT;
      ALTER TABLE rent_payments ADD COLUMN last_valid_block_height TEXT CHECK (last_valid_block_height IS NULL OR (last_valid_block_height <> '' AND last_valid_block_height NOT GLOB '*[^0-9]*'));
    `);
  },
};
