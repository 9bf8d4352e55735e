package dev.umbra.shadow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
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

  /** The packages where protobuf may appear: the gRPC API, ingest (the agent's stream), the fleet (Kafka), the command line. */
  private static final String[] PROTOBUF_EDGES = {
      "dev.umbra.shadow.grpc..", "dev.umbra.shadow.ingest..", "dev.umbra.shadow.fleet..", "dev.umbra.shadow.cli.."};

  /** A call or method reference whose result is, or is a generic of, a protobuf type. */
  private static final DescribedPredicate<JavaAccess<?>> YIELDS_PROTOBUF = DescribedPredicate.describe(
      "a method that returns a protobuf type",
      access -> access.getTarget() instanceof AccessTarget.CodeUnitAccessTarget target
          && target.getReturnType().getAllInvolvedRawTypes().stream().anyMatch(LayeringTest::isProtobuf));

  private static boolean isProtobuf(JavaClass type) {
    return type.getPackageName().startsWith("dev.umbra.proto.") || type.getPackageName().startsWith("com.google.protobuf");
  }

  /**
   * Inside, the parts exchange domain records; {@code dev.umbra.proto.v1} stops at the gRPC API,
   * ingest (the agent's stream), the fleet (Kafka) and the command line (a gRPC client). The
   * dashboard is an edge too, but speaks JSON: it takes the domain records and may not use
   * protobuf either. {@code grpc.AnomalyMapping} is the one anomaly converter, for those edges and the
   * alert webhook (whose documented body is the JSON of {@code umbra.v1.Anomaly}: {@code Shadow}
   * hands {@code Alerts} the converter as a function to a string, so no exception is needed). Outside the
   * edges a class may not even pass on what an edge's converter returns (as {@code Shadow} once
   * handed the dashboard {@code DecisionMapping::toProto}), which names no protobuf type in its
   * own bytecode.
   */
  @Test
  void protobufStopsAtTheEdges() {
    assertHolds(noClasses()
        .that().resideInAPackage("dev.umbra.shadow..")
        .and().resideOutsideOfPackages(PROTOBUF_EDGES)
        .should().dependOnClassesThat().resideInAnyPackage("dev.umbra.proto..", "com.google.protobuf..")
        .orShould().accessTargetWhere(YIELDS_PROTOBUF)
        .because("protobuf types belong to the gRPC, agent-stream and Kafka edges (docs/architecture.md)"));
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
