package dev.umbra.shadow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.umbra.shadow.cli.EvaluationCommands;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md across the shadow and this module, checked on both
 * modules' compiled classes: the shadow never depends on evaluation code, no import cycles between
 * packages of either, no protobuf in the backtest, NAB or demo packages.
 */
class EvaluationLayeringTest {
  private static JavaClasses all;
  private static Set<String> evaluation;

  private static void assertHolds(ArchRule rule) {
    EvaluationResult result = rule.evaluate(all);
    assertThat(result.getFailureReport().getDetails()).as(rule.getDescription()).isEmpty();
  }

  @BeforeAll
  static void importClasses() throws URISyntaxException {
    all = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.umbra.shadow");
    Path classes = Path.of(EvaluationCommands.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    evaluation = new ClassFileImporter().importPath(classes).stream().map(JavaClass::getName).collect(Collectors.toSet());
    assertThat(evaluation).as("this module's classes in " + classes)
        .contains("dev.umbra.shadow.cli.DemoCommand", "dev.umbra.shadow.anomaly.nab.NabRunner");
    assertThat(all.stream().map(JavaClass::getName)).as("the shadow's classes").contains("dev.umbra.shadow.Shadow");
  }

  private static DescribedPredicate<JavaClass> inThisModule() {
    return DescribedPredicate.describe("in the evaluation module", c -> evaluation.contains(c.getName()));
  }

  @Test
  void theShadowNeverDependsOnEvaluationCode() {
    assertHolds(noClasses()
        .that(DescribedPredicate.not(inThisModule()))
        .should().dependOnClassesThat(inThisModule())
        .because("umbra-shadow.jar runs without umbra-evaluation.jar (docs/architecture.md)"));
  }

  @Test
  void packagesHaveNoImportCycles_acrossBothModules() {
    EvaluationResult result = slices().matching("dev.umbra.(**)").should().beFreeOfCycles().evaluate(all);
    assertThat(result.getFailureReport().getDetails()).isEmpty();
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
