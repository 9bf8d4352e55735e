package dev.umbra.allocator.kubernetes;

import dev.umbra.allocator.Allocation;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/** Kubernetes quantities as numbers: CPU in cores (millicore precision), memory in bytes. */
final class Quantities {

  static final String CPU = "cpu";
  static final String MEMORY = "memory";
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private Quantities() {}

  /** Reads cpu and memory from a resource map, ignoring other resources; null or malformed maps give an empty map. */
  static Map<String, BigDecimal> numeric(Map<String, Quantity> quantities) {
    Map<String, BigDecimal> out = new HashMap<>();
    if (quantities == null) {
      return out;
    }
    for (String name : new String[] {CPU, MEMORY}) {
      Quantity quantity = quantities.get(name);
      if (quantity != null) {
        out.put(name, quantity.getNumericalAmount());
      }
    }
    return out;
  }

  /** CPU cores rounded to whole millicores, the API server's precision. */
  static BigDecimal cores(double cores) {
    return BigDecimal.valueOf(cores).multiply(THOUSAND).setScale(0, RoundingMode.HALF_UP).divide(THOUSAND);
  }

  /** Formats for a patch: {@code 1500m} or {@code 2} for CPU, plain bytes for memory. */
  static String format(String resource, BigDecimal amount) {
    if (resource.equals(CPU)) {
      BigDecimal millis = amount.multiply(THOUSAND).setScale(0, RoundingMode.HALF_UP);
      return millis.remainder(THOUSAND).signum() == 0 ? millis.divide(THOUSAND).toPlainString() : millis.toPlainString() + "m";
    }
    return amount.setScale(0, RoundingMode.FLOOR).toPlainString();
  }

  /** For messages: {@code 500m} or {@code 256MiB}. */
  static String describe(String resource, BigDecimal amount) {
    if (amount == null) {
      return "unset";
    }
    if (resource.equals(CPU)) {
      return format(CPU, amount);
    }
    return Allocation.formatBytes(amount.setScale(0, RoundingMode.FLOOR).longValueExact());
  }

  static boolean same(BigDecimal a, BigDecimal b) {
    return a != null && b != null && a.compareTo(b) == 0;
  }
}
