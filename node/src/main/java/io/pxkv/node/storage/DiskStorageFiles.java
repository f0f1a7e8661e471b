package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link StorageFiles} on the real file system. Stateless and thread-safe. */
final class DiskStorageFiles implements StorageFiles {

  @Override
  public FileChannel openAppend(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    channel.position(channel.size());
    return channel;
  }

  @Override
  public FileChannel openRead(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.READ);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) channel.write(buf);
  }

  @Override
  public void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
      channel.force(true);
    }
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    return files;
  }

  @Override
  public long size(Path file) throws IOException {
    return Files.size(file);
  }

  @Override
  public void sync(FileChannel channel) throws IOException {
    channel.force(false);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    // Opening a directory for reading and forcing it fsyncs its entries on Linux and macOS; some
    // platforms cannot open directories at all, and there a rename is as durable as it gets.
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (System.getProperty("os.name", "").toLowerCase().contains("win")) return;
      throw e;
    }
  }
}
