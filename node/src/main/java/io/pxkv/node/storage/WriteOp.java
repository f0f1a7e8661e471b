package io.pxkv.node.storage;

import io.pxkv.node.storage.StorageEngine.PutResult;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An operation queued for the disk engine's single writer ({@link LogWriter}): a write, a gate op,
 * a roll-over for compaction, or the stop. Each completes its future once the writer has decided it
 * and its batch is durable.
 */
sealed interface WriteOp
    permits WriteOp.Put,
        WriteOp.Delete,
        WriteOp.Import,
        WriteOp.Tombstone,
        WriteOp.Handoff,
        WriteOp.Expire,
        WriteOp.Fence,
        WriteOp.Open,
        WriteOp.Roll,
        WriteOp.Stop {
  CompletableFuture<?> future();

  /** An op that writes and so passes the {@link WriteGate} with its epoch tag. */
  sealed interface Tagged permits Put, Delete, Import, Tombstone, Handoff {
    long epoch();
  }

  /**
   * {@code value} is in value codec {@code codec} ({@link StoredValues#encode}) and expires at
   * {@code expiresAt} (ms since the epoch; 0: never).
   */
  record Put(
      String key,
      byte[] value,
      int codec,
      long expiresAt,
      long epoch,
      CompletableFuture<PutResult> future)
      implements WriteOp, Tagged {}

  record Delete(String key, long epoch, CompletableFuture<Optional<Long>> future)
      implements WriteOp, Tagged {}

  /** A moved or restored record, stored with its own version, writer and expiry if it is newer. */
  record Import(
      String key,
      byte[] value,
      int codec,
      long version,
      int writer,
      long expiresAt,
      long epoch,
      CompletableFuture<Boolean> future)
      implements WriteOp, Tagged {}

  /** A tombstone written whether or not the key is live. */
  record Tombstone(String key, long epoch, CompletableFuture<TombstoneResult> future)
      implements WriteOp, Tagged {}

  /** A handoff marker, written only if the key's current write is exactly (version, writer). */
  record Handoff(
      String key, long version, int writer, long epoch, CompletableFuture<Boolean> future)
      implements WriteOp, Tagged {}

  /**
   * The active expiry of one key: if {@code entry} is still its live record and has expired, an
   * expiry tombstone (a DELETE with the expired write's version, writer and expiry) replaces it.
   * Completes with whether it wrote.
   */
  record Expire(String key, KeyDirEntry entry, CompletableFuture<Boolean> future)
      implements WriteOp {}

  /** Refuses older tags from now on; answers with a clock reading once earlier ops are durable. */
  record Fence(long epoch, CompletableFuture<Long> future) implements WriteOp {}

  /** Raises the clock to the floor and admits tags up to the epoch. */
  record Open(long epoch, long floor, CompletableFuture<Void> future) implements WriteOp {}

  /** Reserves {@code reserve} segment ids for compaction output, then starts a new segment. */
  record Roll(int reserve, CompletableFuture<RollResult> future) implements WriteOp {}

  record Stop(CompletableFuture<Void> future) implements WriteOp {}

  /** Ids {@code [firstReserved, firstReserved + reserved)} are free; {@code active} is newer. */
  record RollResult(int firstReserved, int reserved, int active) {}
}
