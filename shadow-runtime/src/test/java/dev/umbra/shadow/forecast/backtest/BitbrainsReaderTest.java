package dev.umbra.shadow.forecast.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
  void namesTheLineAndColumnOfANonNumericCell() throws Exception {
    Path file = SyntheticTrace.write(dir, "1", 3, t -> 1, t -> 1, null);
    String text = Files.readString(file);
    Files.writeString(file, text.replaceFirst(";\t1.0000;", ";\tabc;"));
    assertThatThrownBy(() -> BitbrainsReader.read(file))
        .hasMessageContaining("1.csv:2: column 'CPU usage [MHZ]' is not a number: 'abc'");
  }

  @Test
  void rejectsNegativeUsage_shortRows_andTimeGoingBack() throws Exception {
    Path neg = SyntheticTrace.write(dir, "2", 3, t -> -5, t -> 1, null);
    assertThatThrownBy(() -> BitbrainsReader.read(neg)).hasMessageContaining("CPU usage [MHZ] is negative");
    Path shortRow = dir.resolve("3.csv");
    Files.writeString(shortRow, SyntheticTrace.HEADER + "\n1;\t2\n");
    assertThatThrownBy(() -> BitbrainsReader.read(shortRow)).hasMessageContaining("3.csv:2: 2 columns, header has 11");
    Path back = SyntheticTrace.write(dir, "4", 3, t -> 1, t -> 1, null);
    String[] lines = Files.readString(back).split("\n");
    Files.writeString(back, lines[0] + "\n" + lines[2] + "\n" + lines[1] + "\n");
    assertThatThrownBy(() -> BitbrainsReader.read(back)).hasMessageContaining("is not after the previous row");
  }
}
