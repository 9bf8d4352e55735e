package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code RandomAccessFile.seek(long)} and {@code FileChannelImpl.position(long)}. */
final class SeekAdvice {
  private SeekAdvice() {}

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.FieldValue("path") Object path,
      @Advice.Argument(0) long position,
      @Advice.Thrown Throwable thrown) {
    if (thrown == null) {
      IoCounters.seek(path, position);
    }
  }
}
