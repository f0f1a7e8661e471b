package io.pxkv.node.storage;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks {@link BitcaskEngine#checkInvariants()} on every disk engine a test closes, at the moment
 * it closes (writes done, compaction stopped), and fails the test if one was broken. Loaded for
 * every test of the node by JUnit's extension autodetection (src/test/resources:
 * junit-platform.properties and META-INF/services), so no test has to remember it. Not checked: a
 * test marked {@link DamagesAnOpenEngine}, and an engine whose writer failed ({@code close()} fails
 * first).
 */
public final class DiskEngineInvariants implements BeforeEachCallback, AfterEachCallback {
  private final List<Throwable> broken = new CopyOnWriteArrayList<>();

  @Override
  public void beforeEach(ExtensionContext context) {
    boolean onPurpose =
        context
            .getTestMethod()
            .map(m -> m.isAnnotationPresent(DamagesAnOpenEngine.class))
            .orElse(false);
    if (!onPurpose) start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    finish();
  }

  /** From now on, checks every engine as it closes. */
  void start() {
    broken.clear();
    BitcaskEngine.closing = this::check;
  }

  /** Stops checking; throws if an engine closed with broken invariants since {@link #start}. */
  void finish() {
    BitcaskEngine.closing = null;
    if (broken.isEmpty()) return;
    AssertionError failure =
        new AssertionError(
            broken.size() + " disk engine(s) closed with broken invariants", broken.get(0));
    broken.stream().skip(1).forEach(failure::addSuppressed);
    broken.clear();
    throw failure;
  }

  private void check(BitcaskEngine engine) {
    try {
      engine.checkInvariants();
    } catch (Exception | AssertionError e) {
      broken.add(e);
    }
  }
}
