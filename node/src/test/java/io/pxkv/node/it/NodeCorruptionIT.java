package io.pxkv.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.ChildNode;
import io.pxkv.node.NodeClient;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flipped byte in the middle of an old segment, as the node process sees it: it refuses to start
 * and names the file and offset (exit 1); with {@code --recover} it starts, reports the dropped
 * records, and serves everything else. Data of a newer format refuses the start, recover or not.
 */
class NodeCorruptionIT {
  @Test
  void aDamagedSegmentStopsTheNodeUntilRecoverIsAskedFor(@TempDir Path data) throws Exception {
    int keys = 400;
    try (ChildNode node =
        ChildNode.start(data, "--port", "0", "--fsync", "never", "--segment-bytes", "16k")) {
      NodeClient client = new NodeClient(node.port());
      for (int i = 0; i < keys; i++) {
        assertEquals(
            201,
            client
                .put("key-" + i, "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}")
                .statusCode());
      }
      int code = node.stop(Duration.ofSeconds(30));
      assertTrue(code == 0 || code == 143, "stopped by SIGTERM, not killed: " + code);
    }
    Path oldest;
    try (Stream<Path> files = Files.list(data)) {
      List<Path> segments = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
      assertTrue(segments.size() >= 3, "several segments: " + segments);
      oldest = segments.get(0);
    }
    long offset = Files.size(oldest) / 2;
    try (FileChannel ch =
        FileChannel.open(oldest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x5A));
      ch.write(b.flip(), offset);
    }

    ChildNode.Exited refused = ChildNode.runExpectingExit(data, "--port", "0");
    assertEquals(1, refused.code(), refused.output());
    assertTrue(refused.output().contains(oldest.getFileName().toString()), refused.output());
    assertTrue(refused.output().contains("offset"), refused.output());

    try (ChildNode recovered = ChildNode.start(data, "--port", "0", "--recover")) {
      String report = String.join("\n", recovered.output());
      assertTrue(report.matches("(?s).*[1-9]\\d* damaged records dropped.*"), report);
      NodeClient client = new NodeClient(recovered.port());
      int found = 0;
      for (int i = 0; i < keys; i++) {
        if (client.getKey("key-" + i).statusCode() == 200) found++;
      }
      assertTrue(found >= keys - 5 && found < keys, "served all but the damaged records: " + found);
    }
  }

  @Test
  void aSegmentOfANewerFormatStopsTheNodeAlsoWithRecover(@TempDir Path data) throws Exception {
    Path segment = data.resolve("000001.seg");
    // The header a later version would write: magic "PXKS", format 3.
    Files.write(segment, ByteBuffer.allocate(8).putInt(0x50584b53).putInt(3).array());
    for (String[] flags : new String[][] {{"--port", "0"}, {"--port", "0", "--recover"}}) {
      ChildNode.Exited refused = ChildNode.runExpectingExit(data, flags);
      assertEquals(1, refused.code(), refused.output());
      assertTrue(refused.output().contains("newer version of px-kvstore"), refused.output());
      assertTrue(refused.output().contains(segment.getFileName().toString()), refused.output());
      assertEquals(8, Files.size(segment), "left as it was");
    }
  }
}
