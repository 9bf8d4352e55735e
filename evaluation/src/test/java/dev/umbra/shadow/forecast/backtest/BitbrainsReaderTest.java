package dev.umbra.shadow.forecast.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BitbrainsReaderTest {
  @TempDir Path dir;

  @Test
  void readsTimestampsInSecondsAndEveryUsageColumn() throws Exception {
    Path file = SyntheticTrace.write(dir, "42", 3, t -> 100, t -> 2048, null);
    VmTrace vm = BitbrainsReader.read(file);
    assertThat(vm.id()).isEqualTo("42");
    assertThat(vm.size()).isEqualTo(3);
    assertThat(vm.timeSec(1) - vm.timeSec(0)).isEqualTo(300);
    assertThat(vm.usage(TraceResource.CPU, 2)).isEqualTo(100);
    assertThat(vm.usage(TraceResource.MEM, 0)).isEqualTo(2048);
    assertThat(vm.usage(TraceResource.NET_TX, 0)).isEqualTo(3);
    assertThat(vm.mhzPerCore()).isEqualTo(2000);
    assertThat(TraceResource.CPU.profile(vm).baseUnitsPerUnit()).isEqualTo(1 / 2000.0);
  }

  @Test
  void listsTracesByNumericId_inAFolderOrItsVmsSubfolder() throws Exception {
    SyntheticTrace.write(dir.resolve("vms"), "10", 2, t -> 1, t -> 1, null);
    SyntheticTrace.write(dir.resolve("vms"), "9", 2, t -> 1, t -> 1, null);
    assertThat(BitbrainsReader.list(dir)).extracting(p -> p.getFileName().toString()).containsExactly("9.csv", "10.csv");
  }

  @Test
  void namesTheMissingFileOrFolder() {
    assertThatThrownBy(() -> BitbrainsReader.read(dir.resolve("7.csv.gz"))).isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("7.csv.gz: no such file");
    assertThatThrownBy(() -> BitbrainsReader.list(dir.resolve("nope"))).hasMessageContaining("not a directory");
    assertThatThrownBy(() -> BitbrainsReader.list(dir)).hasMessageContaining("no .csv or .csv.gz");
  }

  @Test
  void namesAMissingColumn() throws Exception {
    Path file = dir.resolve("1.csv");
    Files.writeString(file, SyntheticTrace.HEADER.replace("Memory usage [KB]", "Mem [KB]") + "\n");
    assertThatThrownBy(() -> BitbrainsReader.read(file)).hasMessageContaining("missing column 'Memory usage [KB]'");
  }

  @Test
  void dropsARowWithANonNumericCell_andNamesItsLineAndColumn() throws Exception {
    Path file = SyntheticTrace.write(dir, "1", 3, t -> 1, t -> 1, null);
    String text = Files.readString(file);
    Files.writeString(file, text.replaceFirst(";\t1.0000;", ";\tabc;"));
    VmTrace vm = BitbrainsReader.read(file);
    assertThat(vm.size()).isEqualTo(2);
    assertThat(vm.timeSec(0)).isEqualTo(SyntheticTrace.T0 + 300);
    assertThat(vm.repairs().malformed()).isEqualTo(1);
    assertThat(vm.repairs().describe()).contains("1.csv:2: column 'CPU usage [MHZ]' is not a number: 'abc'");
  }

  @Test
  void dropsNegativeAndShortRows() throws Exception {
    Path file = dir.resolve("3.csv");
    long t = SyntheticTrace.T0;
    Files.writeString(file, String.join("\n", SyntheticTrace.HEADER, SyntheticTrace.row(t, 2, 10, 10), "1;\t2",
        SyntheticTrace.row(t + 300, 2, -5, 10), SyntheticTrace.row(t + 600, 2, 30, 10)) + "\n");
    VmTrace vm = BitbrainsReader.read(file);
    assertThat(vm.timesSec()).containsExactly(t, t + 600);
    assertThat(vm.repairs().malformed()).isEqualTo(2);
    assertThat(vm.repairs().firstMalformed()).endsWith("3.csv:3: 2 columns, header has 11");
  }

  @Nested
  class RepairsWhatIsSafeToRepair {
    private final long t = SyntheticTrace.T0;

    @Test
    void startsAtTheFirstRowWithProvisionedCpu_whenTheFirstRowsHaveZeroCores() throws Exception {
      Path file = SyntheticTrace.writeGz(dir, "5", List.of(SyntheticTrace.row(t, 0, 0, 500),
          SyntheticTrace.row(t + 300, 0, 0, 0), SyntheticTrace.row(t + 600, 4, 100, 700), SyntheticTrace.row(t + 900, 4, 200, 800)));
      VmTrace vm = BitbrainsReader.read(file);
      assertThat(vm.timesSec()).containsExactly(t + 600, t + 900);
      assertThat(vm.column(TraceResource.CPU)).containsExactly(100, 200);
      assertThat(vm.initialCores()).isEqualTo(4);
      assertThat(vm.mhzPerCore()).isEqualTo(2000);
      assertThat(vm.repairs().switchedOff()).isEqualTo(2);
    }

    @Test
    void leavesOutRowsOfTheVmSwitchedOff_asAHoleNotAsZeroUsage() throws Exception {
      Path file = SyntheticTrace.writeGz(dir, "6", List.of(SyntheticTrace.row(t, 2, 100, 1),
          SyntheticTrace.row(t + 300, 0, 0, 0), SyntheticTrace.row(t + 600, 0, 0, 0), SyntheticTrace.row(t + 900, 2, 300, 1),
          SyntheticTrace.row(t + 1200, 2, 400, 1).replace("8388608.0", "0.0")));
      VmTrace vm = BitbrainsReader.read(file);
      assertThat(vm.timesSec()).containsExactly(t, t + 900);
      assertThat(vm.column(TraceResource.CPU)).containsExactly(100, 300);
      assertThat(vm.repairs().switchedOff()).isEqualTo(3);
    }

    @Test
    void keepsTheFirstOfDuplicateRows() throws Exception {
      Path file = SyntheticTrace.writeGz(dir, "7", List.of(SyntheticTrace.row(t, 2, 100, 1),
          SyntheticTrace.row(t + 300, 2, 200, 1), SyntheticTrace.row(t + 300, 2, 999, 1), SyntheticTrace.row(t, 2, 888, 1),
          SyntheticTrace.row(t + 600, 2, 300, 1)));
      VmTrace vm = BitbrainsReader.read(file);
      assertThat(vm.timesSec()).containsExactly(t, t + 300, t + 600);
      assertThat(vm.column(TraceResource.CPU)).containsExactly(100, 200, 300);
      assertThat(vm.repairs().duplicates()).isEqualTo(2);
    }

    @Test
    void sortsRowsOutOfOrder() throws Exception {
      Path file = SyntheticTrace.writeGz(dir, "8", List.of(SyntheticTrace.row(t + 600, 2, 300, 1),
          SyntheticTrace.row(t, 2, 100, 1), SyntheticTrace.row(t + 900, 2, 400, 1), SyntheticTrace.row(t + 300, 2, 200, 1)));
      VmTrace vm = BitbrainsReader.read(file);
      assertThat(vm.timesSec()).containsExactly(t, t + 300, t + 600, t + 900);
      assertThat(vm.column(TraceResource.CPU)).containsExactly(100, 200, 300, 400);
      assertThat(vm.repairs().outOfOrder()).isEqualTo(2);
      assertThat(vm.repairs().describe()).isEqualTo("2 rows out of order sorted");
    }

    @Test
    void reportsNothing_forACleanFile() throws Exception {
      VmTrace vm = BitbrainsReader.read(SyntheticTrace.write(dir, "9", 3, x -> 1, x -> 1, null));
      assertThat(vm.repairs().isEmpty()).isTrue();
    }
  }

  @Nested
  class RejectsAFileThatCannotBeUsed {
    @Test
    void whenEmpty() throws Exception {
      Path file = Files.writeString(dir.resolve("10.csv"), "");
      assertThatThrownBy(() -> BitbrainsReader.read(file)).isInstanceOf(TraceFormatException.class)
          .hasMessage(file + ": empty file");
      Path gz = Files.writeString(dir.resolve("10.csv.gz"), "");
      assertThatThrownBy(() -> BitbrainsReader.read(gz)).hasMessage(gz + ": empty file");
    }

    @Test
    void whenOnlyAHeader() throws Exception {
      Path file = SyntheticTrace.writeGz(dir, "11", List.of());
      assertThatThrownBy(() -> BitbrainsReader.read(file)).hasMessage(file + ": no usable rows (header only)");
    }

    @Test
    void whenNotGzip_orTruncated() throws Exception {
      Path notGzip = Files.writeString(dir.resolve("12.csv.gz"), SyntheticTrace.HEADER + "\n");
      assertThatThrownBy(() -> BitbrainsReader.read(notGzip)).isInstanceOf(TraceFormatException.class)
          .hasMessageStartingWith(notGzip + ": cannot read: ");
      Path whole = SyntheticTrace.writeGz(dir, "13", List.of(SyntheticTrace.row(SyntheticTrace.T0, 2, 1, 1)));
      byte[] bytes = Files.readAllBytes(whole);
      Path cut = Files.write(dir.resolve("14.csv.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
      assertThatThrownBy(() -> BitbrainsReader.read(cut)).isInstanceOf(TraceFormatException.class)
          .hasMessageStartingWith(cut + ": cannot read: ");
    }

    @Test
    void whenEveryRowIsMalformedOrTheVmIsAlwaysOff() throws Exception {
      Path bad = Files.writeString(dir.resolve("15.csv"), SyntheticTrace.HEADER + "\nx;\ty\n");
      assertThatThrownBy(() -> BitbrainsReader.read(bad))
          .hasMessage(bad + ": no usable rows (1 malformed, first: " + bad + ":2: 2 columns, header has 11)");
      Path off = SyntheticTrace.writeGz(dir, "16", List.of(SyntheticTrace.row(SyntheticTrace.T0, 0, 0, 0),
          SyntheticTrace.row(SyntheticTrace.T0 + 300, 0, 0, 0)));
      assertThatThrownBy(() -> BitbrainsReader.read(off)).hasMessageContaining(off + ": fewer than 2 usable rows (2 rows read; "
          + "2 rows with no provisioned CPU or memory left out (VM off))");
    }
  }
}
