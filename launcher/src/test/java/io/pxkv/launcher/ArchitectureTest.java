package io.pxkv.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of every module, as drawn in docs/ARCHITECTURE.md: dependencies between
 * packages go one way, and the storage engine knows nothing of Vert.x.
 */
class ArchitectureTest {
  private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar.*");
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Other modules' test helpers (common's test-jar) are test code too.
            .withImportOption(location -> !location.matches(TEST_JAR))
            .importPackages("io.pxkv");
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.pxkv.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theStorageEngineKnowsNothingOfVertxNorOfTheCache() {
    noClasses()
        .that()
        .resideInAPackage("io.pxkv.node.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx..", "io.netty..", "io.pxkv.node.cache..", "io.pxkv.node.http..")
        .check(classes);
  }

  @Test
  void commonKnowsNoNodeNorRouter() {
    noClasses()
        .that()
        .resideInAPackage("io.pxkv.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.pxkv.node..", "io.pxkv.router..", "io.pxkv.launcher..")
        .check(classes);
  }

  @Test
  void theRoutersLayersGoOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage("io.pxkv.router..")
        .layer("top")
        .definedBy("io.pxkv.router")
        .layer("http")
        .definedBy("io.pxkv.router.http..", "io.pxkv.router.ui..", "io.pxkv.router.metrics..")
        .layer("listing")
        .definedBy("io.pxkv.router.listing..", "io.pxkv.router.query..")
        .layer("antientropy")
        .definedBy("io.pxkv.router.antientropy..")
        .layer("routing")
        .definedBy("io.pxkv.router.routing..")
        .layer("rebalance")
        .definedBy("io.pxkv.router.rebalance..")
        .layer("cluster")
        .definedBy("io.pxkv.router.cluster..")
        .layer("client")
        .definedBy("io.pxkv.router.client..")
        .layer("config")
        .definedBy("io.pxkv.router.config..")
        .whereLayer("top")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("top")
        .whereLayer("listing")
        .mayOnlyBeAccessedByLayers("top", "http")
        .whereLayer("antientropy")
        .mayOnlyBeAccessedByLayers("top", "http")
        .whereLayer("routing")
        .mayOnlyBeAccessedByLayers("top", "http", "listing", "antientropy")
        .whereLayer("rebalance")
        .mayOnlyBeAccessedByLayers("top", "http", "listing", "antientropy", "routing")
        .whereLayer("cluster")
        .mayOnlyBeAccessedByLayers("top", "http", "listing", "antientropy", "routing", "rebalance")
        .whereLayer("client")
        .mayOnlyBeAccessedByLayers(
            "top", "http", "listing", "antientropy", "routing", "rebalance", "cluster")
        .check(classes);
  }
}
