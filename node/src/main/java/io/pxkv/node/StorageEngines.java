package io.pxkv.node;

import io.pxkv.node.cache.CachingEngine;
import io.pxkv.node.storage.BitcaskEngine;
import io.pxkv.node.storage.InMemoryEngine;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageFiles;
import io.pxkv.node.storage.StorageOptions;
import java.io.IOException;
import java.time.Clock;

/**
 * Opens the engine a node's options ask for: {@link BitcaskEngine} for {@code "disk"}, {@link
 * InMemoryEngine} for {@code "memory"}, wrapped in a {@link CachingEngine} when {@code cacheBytes >
 * 0} (the memory engine holds every value in memory already and is never wrapped). Blocking: run it
 * off the event loop.
 */
public final class StorageEngines {
  private StorageEngines() {}

  public static StorageEngine open(StorageOptions options) throws IOException {
    return open(options, StorageFiles.DISK);
  }

  public static StorageEngine open(StorageOptions options, StorageFiles files) throws IOException {
    return open(options, files, Clock.systemUTC());
  }

  /**
   * As {@link #open(StorageOptions, StorageFiles)}, with versions and expiry reading {@code wall}
   * (tests move time with it).
   */
  public static StorageEngine open(StorageOptions options, StorageFiles files, Clock wall)
      throws IOException {
    if (options.engine().equals(StorageOptions.ENGINE_MEMORY)) {
      return new InMemoryEngine(options, wall);
    }
    BitcaskEngine disk = BitcaskEngine.open(options, files, wall);
    return options.cacheBytes() > 0 ? new CachingEngine(disk, options.cacheBytes()) : disk;
  }
}
