package dev.umbra.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one table of the grammar every Umbra setting is written in (docs/configuration.md). */
class UnitsGrammarTest {

  @Nested
  class DurationsTable {
    @ParameterizedTest(name = "{0} is {1} ns")
    @CsvSource(delimiter = '|', textBlock = """
        0s          | 0
        500ms       | 500000000
        30s         | 30000000000
        1.5m        | 90000000000
        2h          | 7200000000000
        1d          | 86400000000000
        ' 10 S '    | 10000000000
        1.5ms       | 1500000
        1H          | 3600000000000
        PT30S       | 30000000000
        pt5m        | 300000000000
        P1D         | 86400000000000
        PT0.25S     | 250000000
        """)
    void parses(String text, long nanos) {
      assertThat(Durations.parse("k", text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @Test
    void reachesTheEndsOfTheRange() {
      assertThat(Durations.parse("k", "106751991167300d")).isEqualTo(Duration.ofDays(106751991167300L));
    }

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource(delimiter = '|', textBlock = """
        10x                         | manage-lead: '10x' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        ''                          | manage-lead: '' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        ms                          | manage-lead: 'ms' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        10                          | manage-lead: '10' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        1.s                         | manage-lead: '1.s' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        1e3s                        | manage-lead: '1e3s' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        -1s                         | manage-lead: '-1s' is negative (e.g. 500ms, 30s, 5m, PT30S)
        PT-5S                       | manage-lead: 'PT-5S' is negative (e.g. 500ms, 30s, 5m, PT30S)
        soon                        | manage-lead: 'soon' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        P                           | manage-lead: 'P' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        106751991167301d            | manage-lead: '106751991167301d' is too long (e.g. 500ms, 30s, 5m, PT30S)
        99999999999999999999999999h | manage-lead: '99999999999999999999999999h' is too long (e.g. 500ms, 30s, 5m, PT30S)
        PT9999999999999999999H      | manage-lead: 'PT9999999999999999999H' is not a duration (e.g. 500ms, 30s, 5m, PT30S)
        """)
    void rejects_namingTheKeyAndValue(String text, String message) {
      assertThatThrownBy(() -> Durations.parse("manage-lead", text))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void rejectsZero_whenPositive() {
      assertThat(Durations.parsePositive("k", "1ms")).isEqualTo(Duration.ofMillis(1));
      assertThatThrownBy(() -> Durations.parsePositive("batch.period", "0s"))
          .hasMessage("batch.period: '0s' is not a positive duration (e.g. 500ms, 30s, 5m, PT30S)");
    }
  }

  @Nested
  class SizesTable {
    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource(delimiter = '|', textBlock = """
        0        | 0
        1048576  | 1048576
        512k     | 524288
        512m     | 536870912
        1.5g     | 1610612736
        2t       | 2199023255552
        2GiB     | 2147483648
        512MB    | 536870912
        64Mi     | 67108864
        100b     | 100
        ' 1 G '  | 1073741824
        0.3k     | 307
        8388607t | 9223370937343148032
        """)
    void parses(String text, long bytes) {
      assertThat(Sizes.parse("k", text)).isEqualTo(bytes);
    }

    @Test
    void reachesLongMaxValue() {
      assertThat(Sizes.parse("k", Long.toString(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource(delimiter = '|', textBlock = """
        12x                  | spawn.heap: '12x' is not a size (e.g. 1048576, 512k, 512m, 1.5g)
        ''                   | spawn.heap: '' is not a size (e.g. 1048576, 512k, 512m, 1.5g)
        m                    | spawn.heap: 'm' is not a size (e.g. 1048576, 512k, 512m, 1.5g)
        512i                 | spawn.heap: '512i' is not a size (e.g. 1048576, 512k, 512m, 1.5g)
        1p                   | spawn.heap: '1p' is not a size (e.g. 1048576, 512k, 512m, 1.5g)
        -1m                  | spawn.heap: '-1m' is negative (e.g. 1048576, 512k, 512m, 1.5g)
        8388608t             | spawn.heap: '8388608t' is too large (at most 8388607t)
        9223372036854775808  | spawn.heap: '9223372036854775808' is too large (at most 8388607t)
        """)
    void rejects_namingTheKeyAndValue(String text, String message) {
      assertThatThrownBy(() -> Sizes.parse("spawn.heap", text))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void rejectsZero_whenPositive() {
      assertThat(Sizes.parsePositive("k", "1")).isEqualTo(1);
      assertThatThrownBy(() -> Sizes.parsePositive("--memory", "0m"))
          .hasMessage("--memory: '0m' is not a positive size (e.g. 1048576, 512k, 512m, 1.5g)");
    }
  }
}
