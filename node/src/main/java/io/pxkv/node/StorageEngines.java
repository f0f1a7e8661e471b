package io.pxkv.node;

import io.pxkv.node.cache.CachingEngine;
import io.pxkv.node.storage.BitcaskEngine;
import io.pxkv.node.storage.InMemoryEngine;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageFiles;
import io.pxkv.node.storage.StorageOptions;
import java.io.IOException;

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
    if (options.engine().equals(StorageOptions.ENGINE_MEMORY)) return new InMemoryEngine(options);
    BitcaskEngine disk = BitcaskEngine.open(options, files);
    return options.cacheBytes() > 0 ? new CachingEngine(disk, options.cacheBytes()) : disk;
  }
}
