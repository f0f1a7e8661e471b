package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * The child JVM of {@link CompactionCrashIT}: opens the store (encrypted when given a key line),
 * loads {@link #dataset()} if asked to, then compacts in a loop until it is killed. Values are
 * written as given; those of {@link #DEFLATE_MIN_BYTES} and more are deflated by the first
 * compaction (and sealed again, when encrypted). Once compacting, it prints a line before every
 * file operation, so that the parent, killing it after a random number of lines, lands anywhere in
 * a compaction: among the output writes, the fsyncs, the renames or the deletes. Not a test: a main
 * class on the test classpath.
 */
public final class CompactionCrashChild {
  static final String LOADED = "loaded";
  static final String COMPACTED = "compacted";
  static final String FILE_OP = "op";

  private CompactionCrashChild() {}

  /** Low enough that about a third of the values of {@link #dataset()} are deflated. */
  static final int DEFLATE_MIN_BYTES = 64;

  static StorageOptions options(Path dir) {
    return options(dir, null);
  }

  /** {@code keyLine}: the one encryption key ({@code id:base64}), or null for none. */
  static StorageOptions options(Path dir, String keyLine) {
    ValueCoding coding = ValueCoding.DEFAULTS.withMinBytes(DEFLATE_MIN_BYTES);
    if (keyLine != null) coding = coding.withKeys(CodecKeys.of(keyLine));
    return StorageOptions.defaults(dir)
        .withCacheBytes(0)
        .withSegmentBytes(4096)
        .withCompaction(CompactionPolicy.MANUAL)
        .withCoding(coding);
  }

  /**
   * What the store holds after loading: the writes below, replayed on a TreeMap. Overwrites and
   * deletes leave dead records and tombstones for compaction to deal with.
   */
  static TreeMap<String, String> dataset() {
    TreeMap<String, String> model = new TreeMap<>();
    Random random = new Random(7);
    for (int i = 0; i < 1200; i++) {
      String key = "key-" + random.nextInt(300);
      if (random.nextInt(5) == 0) {
        model.remove(key);
      } else {
        model.put(key, "\"" + "v".repeat(random.nextInt(100)) + i + "\"");
      }
    }
    return model;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    boolean load = List.of(args).contains("load");
    String keyLine = null;
    for (String a : args) if (a.startsWith("key=")) keyLine = a.substring("key=".length());
    ProgressFiles files = new ProgressFiles();
    try (BitcaskEngine engine = BitcaskEngine.open(options(dir, keyLine), files)) {
      if (load) {
        Random random = new Random(7);
        for (int i = 0; i < 1200; i++) {
          String key = "key-" + random.nextInt(300);
          if (random.nextInt(5) == 0) {
            engine.delete(key).join();
          } else {
            String value = "\"" + "v".repeat(random.nextInt(100)) + i + "\"";
            engine.put(key, value.getBytes(StandardCharsets.UTF_8)).join();
          }
        }
        System.out.println(LOADED);
      }
      files.report = true;
      for (int n = 0; ; n++) {
        engine.compact().join();
        System.out.println(COMPACTED + " " + n);
      }
    }
  }

  /** The real files, announcing each mutating operation on stdout before doing it. */
  private static final class ProgressFiles implements StorageFiles {
    volatile boolean report;

    private void announce(String what, Path file) {
      if (report) System.out.println(FILE_OP + " " + what + " " + file.getFileName());
    }

    @Override
    public FileChannel openAppend(Path file) throws IOException {
      announce("create", file);
      return DISK.openAppend(file);
    }

    @Override
    public FileChannel openRead(Path file) throws IOException {
      return DISK.openRead(file);
    }

    @Override
    public void write(FileChannel channel, ByteBuffer buf) throws IOException {
      if (report) System.out.println(FILE_OP + " write");
      DISK.write(channel, buf);
    }

    @Override
    public void truncate(Path file, long size) throws IOException {
      announce("truncate", file);
      DISK.truncate(file, size);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
      announce("rename", from);
      DISK.rename(from, to);
    }

    @Override
    public void delete(Path file) throws IOException {
      announce("delete", file);
      DISK.delete(file);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
      return DISK.list(dir);
    }

    @Override
    public long size(Path file) throws IOException {
      return DISK.size(file);
    }

    @Override
    public void sync(FileChannel channel) throws IOException {
      if (report) System.out.println(FILE_OP + " sync");
      DISK.sync(channel);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
      announce("syncdir", dir);
      DISK.syncDirectory(dir);
    }
  }
}
