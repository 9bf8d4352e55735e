package dev.umbra.allocator.jvm;

/** Names of the manageable flags the jvm allocator sets. */
final class JvmFlags {
  static final String SOFT_MAX_HEAP_SIZE = "SoftMaxHeapSize";
  static final String MIN_HEAP_FREE_RATIO = "MinHeapFreeRatio";
  static final String MAX_HEAP_FREE_RATIO = "MaxHeapFreeRatio";

  private JvmFlags() {}
}
