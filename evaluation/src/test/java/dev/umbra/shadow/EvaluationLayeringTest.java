package dev.umbra.shadow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md across the shadow and this module, checked on both
 * modules' compiled classes together: no import cycles between packages of either (the evaluation
 * packages sit on top: the shadow cannot depend on them, Maven forbids it), no protobuf in the
 * backtest, NAB or demo packages.
 */
class EvaluationLayeringTest {
  private static JavaClasses all;

  private static void assertHolds(ArchRule rule) {
    EvaluationResult result = rule.evaluate(all);
    assertThat(result.getFailureReport().getDetails()).as(rule.getDescription()).isEmpty();
  }

  @BeforeAll
  static void importClasses() {
    all = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.umbra.shadow");
    assertThat(all.stream().map(JavaClass::getName)).as("both modules' classes")
        .contains("dev.umbra.shadow.Shadow", "dev.umbra.shadow.cli.DemoCommand", "dev.umbra.shadow.anomaly.nab.NabRunner");
  }

  @Test
  void packagesHaveNoImportCycles_acrossBothModules() {
    assertHolds(slices().matching("dev.umbra.(**)").should().beFreeOfCycles());
  }

  @Test
  void evaluationPackagesUseNoProtobuf() {
    assertHolds(noClasses()
        .that().resideInAnyPackage(
            "dev.umbra.shadow.forecast.backtest..", "dev.umbra.shadow.anomaly.nab..", "dev.umbra.shadow.demo..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.umbra.proto..", "com.google.protobuf..")
        .because("protobuf types belong to the gRPC, Kafka and dashboard edges (docs/architecture.md)"));
  }
}
