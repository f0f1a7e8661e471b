package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WriteOrderTest {
  @Test
  void versionFirstThenWriterAsAnUnsignedNumber() {
    assertTrue(WriteOrder.compare(2, 0, 1, -1) > 0);
    assertTrue(WriteOrder.compare(5, -1, 5, 7) > 0, "0xffffffff is the largest writer");
    assertTrue(WriteOrder.compare(5, 0x7fffffff, 5, 0x80000000) < 0);
    assertEquals(0, WriteOrder.compare(5, 3, 5, 3));
    assertEquals(4294967295L, WriteOrder.writerJson(-1));
  }

  @Test
  void aNodesWriterIdIsTheLowBitsOfTheRingHashOfItsId() {
    assertEquals(0xef7260a1, WriteOrder.writerIdOf("node-1"));
    assertNotEquals(WriteOrder.writerIdOf("node-1"), WriteOrder.writerIdOf("node-2"));
  }
}
