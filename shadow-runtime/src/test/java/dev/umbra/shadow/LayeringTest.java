package dev.umbra.shadow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md ("Modules", "Packages"), checked on the shadow's
 * compiled classes: no import cycles between packages, generated protobuf only at the edges, and
 * the allocator plugins reached only through their SPI.
 */
class LayeringTest {
  private static JavaClasses shadow;

  /** Evaluates {@code rule} on the shadow's classes; the failure lists every violation ArchUnit found. */
  private static void assertHolds(ArchRule rule) {
    EvaluationResult result = rule.evaluate(shadow);
    assertThat(result.getFailureReport().getDetails()).as(rule.getDescription()).isEmpty();
  }

  @BeforeAll
  static void importClasses() {
    shadow = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.umbra.shadow");
  }

  /** Every package is its own slice (the root, where {@code Shadow} composes the parts, too). */
  @Test
  void packagesHaveNoImportCycles() {
    assertHolds(slices().matching("dev.umbra.(**)")
        .should().beFreeOfCycles());
  }

  /**
   * Inside, the parts exchange domain records; {@code dev.umbra.proto.v1} stops at the gRPC API,
   * ingest (the agent's stream), the fleet (Kafka), the dashboard and the command line (a gRPC
   * client). {@code AnomalyWire} is the one anomaly converter, for those edges and the alert
   * webhook (whose documented body is the JSON of {@code umbra.v1.Anomaly}).
   */
  @Test
  void protobufStopsAtTheEdges() {
    assertHolds(noClasses()
        .that().resideInAPackage("dev.umbra.shadow..")
        .and().resideOutsideOfPackages(
            "dev.umbra.shadow.grpc..", "dev.umbra.shadow.ingest..", "dev.umbra.shadow.fleet..",
            "dev.umbra.shadow.dashboard..", "dev.umbra.shadow.cli..")
        .and().doNotHaveFullyQualifiedName("dev.umbra.shadow.anomaly.AnomalyWire")
        .should().dependOnClassesThat().resideInAnyPackage("dev.umbra.proto..", "com.google.protobuf..")
        .because("protobuf types belong to the gRPC, Kafka and dashboard edges (docs/architecture.md)"));
  }

  /** The manager loads allocators by name through {@code java.util.ServiceLoader}, never by class. */
  @Test
  void allocatorsAreReachedOnlyThroughTheirSpi() {
    assertHolds(noClasses()
        .that().resideInAPackage("dev.umbra.shadow..")
        .should().dependOnClassesThat().implement("dev.umbra.allocator.Allocator")
        .orShould().dependOnClassesThat().implement("dev.umbra.allocator.AllocatorProvider")
        .because("allocator plugins are chosen by name at run time (allocator-plugins/README.md)"));
  }

  /**
   * Two plugin modules are also libraries, each for named parts only: the cgroup tree (the
   * supervisor puts a primary in its own cgroup, the shadow isolates itself; in the evaluation
   * module the demo prints the primary's cgroup counters) and the JVM flag
   * channel (the agent's session carries the jvm allocator's flag changes).
   */
  @Test
  void pluginLibrariesAreUsedOnlyWhereNamed() {
    assertHolds(noClasses()
        .that().resideInAPackage("dev.umbra.shadow..")
        .and().resideOutsideOfPackages("dev.umbra.shadow.supervisor..", "dev.umbra.shadow.isolation..")
        .should().dependOnClassesThat().resideInAPackage("dev.umbra.allocator.cgroup.."));
    assertHolds(noClasses()
        .that().resideInAPackage("dev.umbra.shadow..")
        .and().resideOutsideOfPackages("dev.umbra.shadow.manager..", "dev.umbra.shadow.ingest..")
        .should().dependOnClassesThat().resideInAPackage("dev.umbra.allocator.jvm.."));
    assertHolds(noClasses()
        .that().resideInAPackage("dev.umbra.shadow..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.umbra.allocator.kubernetes..", "dev.umbra.allocator.log.."));
  }

  /**
   * The server carries no evaluation code: the backtest, NAB and the demo (with their commands)
   * are the evaluation module's, which {@code umbra} finds through {@code CommandSource}.
   */
  @Test
  void evaluationCodeStaysOutOfTheShadow() {
    assertHolds(noClasses()
        .should().resideInAnyPackage(
            "dev.umbra.shadow.forecast.backtest..", "dev.umbra.shadow.anomaly.nab..", "dev.umbra.shadow.demo..")
        .orShould().haveSimpleName("DemoCommand")
        .orShould().haveSimpleName("BacktestCommand")
        .orShould().haveSimpleName("NabCommand")
        .because("the evaluation commands live in the evaluation module (docs/architecture.md)"));
  }
}
