package dev.umbra.shadow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class DemoWorkloadTest {
  @Test
  void aRestoredLedgerContinuesToTheFaultFreeResult() throws Exception {
    DemoWorkload ledger = new DemoWorkload();
    for (int i = 0; i < 300; i++) {
      ledger.advance();
    }
    ByteArrayOutputStream checkpoint = new ByteArrayOutputStream();
    ledger.snapshot(checkpoint);
    for (int i = 0; i < 200; i++) {
      ledger.advance();
    }
    ledger.restore(new ByteArrayInputStream(checkpoint.toByteArray()));
    for (int i = 0; i < 700; i++) {
      ledger.advance();
    }

    assertThat(ledger.digest()).isEqualTo(DemoWorkload.expected(1000));
    assertThat(DemoWorkload.expected(1000)).isNotEqualTo(DemoWorkload.expected(999));
  }
}
