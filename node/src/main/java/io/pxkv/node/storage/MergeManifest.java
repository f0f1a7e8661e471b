package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The {@code MERGE} file: the ids of compaction inputs about to be deleted. Compaction publishes it
 * (atomically) once its outputs are durable and before deleting any input; the next open finishes
 * the deletion. Without it a crash half-way through the deletes could leave an old put whose
 * tombstone was already deleted with another input, and the key would come back. Written to disk:
 * never change without a format bump.
 *
 * <pre>
 *   count:u32 | id:u32 * count | crc32c:u32 (CRC-32C of every byte before it)
 * </pre>
 */
final class MergeManifest {
  private MergeManifest() {}

  static void publish(StorageFiles files, Path dir, List<Integer> ids) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8 + 4 * ids.size());
    buf.putInt(ids.size());
    for (int id : ids) buf.putInt(id);
    buf.putInt(crc(buf, buf.position()));
    AtomicFiles.publish(files, dir, FileNames.MERGE, buf.flip());
  }

  /** The ids listed in {@code file}, or an exception naming what is wrong with it. */
  static List<Integer> read(StorageFiles files, Path file) throws IOException {
    ByteBuffer buf = AtomicFiles.readAll(files, file);
    int n = buf.remaining();
    if (n < 8 || (n - 8) % 4 != 0) throw new IOException(file + ": bad size " + n);
    if (crc(buf, n - 4) != buf.getInt(n - 4)) throw new IOException(file + ": CRC mismatch");
    int count = buf.getInt();
    if (count != (n - 8) / 4) throw new IOException(file + ": bad count " + count);
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) ids.add(buf.getInt());
    return ids;
  }

  private static int crc(ByteBuffer buf, int end) {
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().position(0).limit(end));
    return (int) crc.getValue();
  }
}
