package io.pxkv.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.storage.StorageEngine.Stamp;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rebalancing write rules on their own, from the key's current write: what both engines decide
 * (MigrationOpsTest checks each engine end to end).
 */
class WriteRulesTest {
  private static final Stamp LIVE = new Stamp(100, 7, false);
  private static final Stamp DELETED = new Stamp(100, 7, true);

  @Test
  void anImportIsStoredOnlyIfOrderedAfterTheCurrentWriteOrWhenThereIsNone() {
    assertTrue(WriteRules.imports(1, 0, null), "absent or handed off: any real version");
    assertFalse(WriteRules.imports(0, 0, null), "version 0 is never stored");
    for (Stamp current : new Stamp[] {LIVE, DELETED}) {
      assertTrue(WriteRules.imports(101, 0, current), "a newer version");
      assertTrue(WriteRules.imports(100, 8, current), "same version, larger writer");
      assertTrue(WriteRules.imports(100, -1, current), "writers compare unsigned");
      assertFalse(WriteRules.imports(100, 7, current), "the same write");
      assertFalse(WriteRules.imports(100, 6, current), "same version, smaller writer");
      assertFalse(WriteRules.imports(99, 9, current), "an older version");
    }
  }

  @Test
  void aDeleteWritesOnlyOverALiveKey() {
    assertTrue(WriteRules.deletes(LIVE));
    assertFalse(WriteRules.deletes(DELETED));
    assertFalse(WriteRules.deletes(null));
  }

  @Test
  void aTombstoneAnswersWithWhatItReplaced() {
    assertEquals(Optional.of(LIVE), WriteRules.tombstoneReplaces(LIVE));
    assertEquals(Optional.of(DELETED), WriteRules.tombstoneReplaces(DELETED));
    assertEquals(Optional.empty(), WriteRules.tombstoneReplaces(null));
  }

  @Test
  void aHandoffTakesOnlyTheExactWriteThatWasCopied() {
    for (Stamp current : new Stamp[] {LIVE, DELETED}) {
      assertTrue(WriteRules.handsOff(100, 7, current));
      assertFalse(WriteRules.handsOff(100, 8, current), "another writer's write");
      assertFalse(WriteRules.handsOff(101, 7, current), "a write that came meanwhile");
    }
    assertFalse(WriteRules.handsOff(100, 7, null), "nothing left to hand off");
  }
}
